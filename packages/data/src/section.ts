// Validate a `datasets` / `clean` value against its schema file and fill in defaults, so stages and tests
// can pass partial values (e.g. [{ rule: "dedup", method: "minhash" }]) and always get complete params.
import Ajv2020, { type ErrorObject } from "ajv/dist/2020.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SectionError } from "./errors.ts";
import type { Clean, Datasets } from "./params.ts";

const schemaDir = join(import.meta.dir, "..", "..", "..", "schemas", "sections");
const datasetsSchema = JSON.parse(readFileSync(join(schemaDir, "datasets.schema.json"), "utf8"));
const cleanSchema = JSON.parse(readFileSync(join(schemaDir, "clean.schema.json"), "utf8"));

let validator: ((v: unknown) => boolean) & { errors?: ErrorObject[] | null } | undefined;
function validate() {
  if (validator) return validator;
  // strict "log" off: section roots carry a default (used by the root recipe schema), which ajv flags when a
  // section is compiled on its own.
  const ajv = new Ajv2020({ useDefaults: true, allErrors: false, strict: false });
  ajv.addSchema(datasetsSchema);
  ajv.addSchema(cleanSchema);
  validator = ajv.compile({
    type: "object",
    properties: { datasets: { $ref: datasetsSchema.$id }, clean: { $ref: cleanSchema.$id } },
  });
  return validator;
}

function resolve<T>(section: "datasets" | "clean", value: unknown): T {
  const holder: Record<string, unknown> = { [section]: structuredClone(value ?? (section === "clean" ? cleanSchema.default : [])) };
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
  return structuredClone(cleanSchema.default) as Clean;
}
