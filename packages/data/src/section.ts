// The `datasets` / `clean` sections with every default filled in, through @lathe/recipe's validator (the one way
// every package fills section defaults), so stages and tests can pass partial values (e.g. [{ rule: "dedup",
// method: "minhash" }]) and always get complete params. Problems are a SectionError at the bad field.
import { SectionValueError, withSectionDefaults } from "@lathe/recipe";
import { SectionError } from "./errors.ts";
import type { Clean, Datasets } from "./params.ts";

function resolve<T>(section: "datasets" | "clean", value: unknown): T {
  try {
    return withSectionDefaults<T>(section, value === undefined ? undefined : structuredClone(value));
  } catch (e) {
    if (!(e instanceof SectionValueError)) throw e;
    const issue = e.issues[0]!;
    const pointer = issue.pointer.slice(`/${section}`.length);
    // The offending value as the user wrote it.
    const at = pointer.split("/").slice(1).reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], value);
    throw new SectionError(section, pointer, issue.message.replace(/^\S+ /, ""), at, issue.hint || undefined);
  }
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
  return resolveClean(undefined);
}
