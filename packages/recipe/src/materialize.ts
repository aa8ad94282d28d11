// One tree → one checked recipe: substitute ${var} references, then validate with defaults. Used for the base
// recipe and for every sweep trial.
import type { RecipeIssue } from "./errors.ts";
import { fillBranchDefaults } from "./schema-walk.ts";
import type { RecipeSchema } from "./schema.ts";
import { toPlain, type LNode, type LocIndex } from "./tree.ts";
import { validateTree } from "./validate.ts";
import { substitute } from "./vars.ts";

export interface Materialized {
  /** The recipe with references resolved and defaults applied (check `issues` first). */
  readonly value: Record<string, unknown>;
  readonly index: LocIndex;
  readonly issues: readonly RecipeIssue[];
}

function plainAt(value: unknown, path: readonly string[]): unknown {
  let cur = value;
  for (const seg of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

export function materialize(schema: RecipeSchema, tree: LNode, trial?: string): Materialized {
  let defaults: unknown;
  const fallback = (path: readonly string[]): unknown => {
    if (defaults === undefined) {
      defaults = toPlain(tree);
      schema.validate(defaults);
      fillBranchDefaults(schema, defaults);
    }
    return plainAt(defaults, path);
  };
  const sub = substitute(tree, fallback);
  const checked = validateTree(schema, sub.tree, trial);
  // A value whose reference failed would also fail validation as "${...}" text: report it once.
  const broken = sub.issues.map((i) => i.pointer);
  const rest = checked.issues.filter((i) => !broken.some((p) => i.pointer === p || i.pointer.startsWith(`${p}/`)));
  const labelled = trial ? sub.issues.map((i) => ({ ...i, trial })) : sub.issues;
  return { value: checked.value, index: checked.index, issues: [...labelled, ...rest] };
}
