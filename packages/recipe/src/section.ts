// One way to fill a section's defaults, for everyone: a section value (partial, from a test, a script or a stage's
// params) validated against its schema with every default filled in — the same validator, defaults and messages
// as a loaded recipe. Cross-field checks the schema cannot say stay with the package that owns the section.
import type { RecipeIssue } from "./errors.ts";
import { formatIssue } from "./errors.ts";
import { loadSchema } from "./schema.ts";
import { fromPlain } from "./tree.ts";
import { validateTree } from "./validate.ts";

/** A section value that does not match its schema: every issue, each with its JSON pointer and a hint. */
export class SectionValueError extends Error {
  override readonly name = "SectionValueError";
  constructor(
    readonly section: string,
    readonly issues: readonly RecipeIssue[],
  ) {
    super(issues.map((i) => formatIssue(i).replace(/^[^:]*: /, "")).join("\n"));
  }
  /** The first issue's pointer ("/model/n_head"). */
  get pointer(): string {
    return this.issues[0]?.pointer ?? `/${this.section}`;
  }
}

/** The section `name` with every default filled in (undefined → the section's default); throws SectionValueError. */
export function withSectionDefaults<T = unknown>(name: string, value: unknown): T {
  const schema = loadSchema();
  const holder = value === undefined ? {} : { [name]: value };
  const checked = validateTree(schema, fromPlain(holder, { file: `${name} section`, line: 0, col: 0 }));
  if (checked.issues.length > 0) throw new SectionValueError(name, checked.issues);
  return checked.value[name] as T;
}
