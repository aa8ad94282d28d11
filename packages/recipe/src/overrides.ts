// Command-line overrides (`--set train.lr=1e-3`, values typed as YAML) and the dotted-path checks they share with
// sweep keys: a path must name something the schema allows, else "did you mean".
import { parseDocument } from "yaml";
import { makeIssue, type Loc, type RecipeIssue } from "./errors.ts";
import { didYouMean } from "./hints.ts";
import { checkPath } from "./schema-walk.ts";
import type { RecipeSchema } from "./schema.ts";
import { fromPlain, pointerSegment, type LNode } from "./tree.ts";

const SEGMENT = /^[A-Za-z0-9_-]+$/;

export interface Override {
  readonly path: readonly string[];
  readonly node: LNode;
  /** Where the override comes from (a --set argument, or a sweep value in the recipe). */
  readonly loc: Loc;
}

/** "/train/lr" for ["train", "lr"]. */
export function pointerOfPath(path: readonly string[]): string {
  return path.map((s) => `/${pointerSegment(s)}`).join("");
}

/**
 * Problems with a dotted path used as an override target: syntax, keys that cannot be overridden (`fixed`),
 * and keys the schema does not know (with "did you mean").
 */
export function pathIssues(schema: RecipeSchema, dotted: string, loc: Loc, pointerPrefix = "", fixed: readonly string[] = ["extends"]): RecipeIssue[] {
  const path = dotted.split(".");
  const shown = pointerPrefix || pointerOfPath(path);
  if (!path.every((s) => SEGMENT.test(s))) {
    return [makeIssue(loc, shown, `"${dotted}" is not a recipe path`, "write keys joined by dots, e.g. `train.lr` or `datasets.0.path`.")];
  }
  if (fixed.includes(path[0]!)) {
    return [makeIssue(loc, shown, `${pointerOfPath(path)} cannot be overridden here`, `${path[0]} is read before overrides apply; change it in the recipe file.`)];
  }
  const bad = checkPath(schema, path);
  if (!bad) return [];
  const badPointer = pointerOfPath(path.slice(0, bad.at + 1));
  const what = bad.at === 0 ? "recipe section" : "key";
  const message = pointerPrefix ? `${pointerPrefix} names ${badPointer}, which is not a known ${what}` : `${badPointer} is not a known ${what}`;
  return [makeIssue(loc, pointerPrefix || badPointer, message, didYouMean(path[bad.at]!, bad.allowed))];
}

/** Parses one `--set path=value` argument; the value is read as YAML (`1e-3` is a number, `[1, 2]` a list). */
export function parseSet(arg: string, schema: RecipeSchema): { readonly override?: Override; readonly issues: readonly RecipeIssue[] } {
  const loc: Loc = { file: `--set ${arg}`, line: 0, col: 0 };
  const eq = arg.indexOf("=");
  if (eq <= 0) return { issues: [makeIssue(loc, "", "expected path=value", "e.g. --set train.lr=1e-3")] };
  const dotted = arg.slice(0, eq).trim();
  const text = arg.slice(eq + 1);
  const issues = pathIssues(schema, dotted, loc);
  const doc = parseDocument(text, { prettyErrors: false });
  const err = doc.errors[0];
  if (err) {
    issues.push(makeIssue(loc, pointerOfPath(dotted.split(".")), `cannot read the value ${JSON.stringify(text)} as YAML: ${err.message.replace(/\.$/, "")}`, `quote text that contains YAML punctuation: --set '${dotted}="${text.replace(/"/g, '\\"')}"'.`));
  }
  if (issues.length > 0) return { issues };
  return { override: { path: dotted.split("."), node: fromPlain(doc.toJS(), loc), loc }, issues };
}
