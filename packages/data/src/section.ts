// Validate a `datasets` / `clean` value against its schema file and fill in defaults, so stages and tests
// can pass partial values (e.g. [{ rule: "dedup", method: "minhash" }]) and always get complete params.
import type { ErrorObject } from "ajv";
import { loadSchema } from "@lathe/recipe";
import { SectionError } from "./errors.ts";
import type { Clean, Datasets } from "./params.ts";

// The recipe package's validator for the whole recipe: compiled once and cached across processes, so planning
// does not pay for an ajv compile of these (large) sections again. Validating { datasets, clean } alone fills
// the other sections' defaults too, which are ignored here.
function validate(): ((v: unknown) => boolean) & { errors?: ErrorObject[] | null } {
  return loadSchema().validate as ((v: unknown) => boolean) & { errors?: ErrorObject[] | null };
}

function sectionDefault(section: "datasets" | "clean"): unknown {
  const files = loadSchema().files;
  const doc = files.docs.get(`https://lathe.dev/schemas/sections/${section}.schema.json`) as { default?: unknown } | undefined;
  return doc?.default ?? [];
}

function resolve<T>(section: "datasets" | "clean", value: unknown): T {
  const holder: Record<string, unknown> = { [section]: structuredClone(value ?? sectionDefault(section)) };
  const v = validate();
  if (!v(holder)) {
    // Skip ajv's "must match then schema" wrappers: the first real error says what is wrong.
    const errs = (v.errors ?? []).filter((e) => e.keyword !== "if");
    const e = errs[0]!;
    const pointer = e.instancePath.slice(`/${section}`.length);
    // The offending value as the user wrote it (holder's copy already has defaults filled in).
    const at = pointer.split("/").slice(1).reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], value);
    const extra = e.keyword === "additionalProperties" ? ` '${(e.params as { additionalProperty: string }).additionalProperty}'` : "";
    throw new SectionError(section, pointer, `${e.message}${extra}`, at);
  }
  return holder[section] as T;
}

/** The datasets section with every default filled in; throws SectionError on an invalid value. */
export function resolveDatasets(value: unknown): Datasets {
  return resolve<Datasets>("datasets", value);
}

/** The clean section with every default filled in (undefined → the schema's default list). */
export function resolveClean(value: unknown): Clean {
  return resolve<Clean>("clean", value);
}

/** The schema's default clean list (FineWeb order), fully spelled out. */
export function defaultClean(): Clean {
  return structuredClone(sectionDefault("clean")) as Clean;
}
