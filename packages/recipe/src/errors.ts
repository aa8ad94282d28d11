// User-facing recipe errors: one RecipeIssue per problem (file:line:col, JSON pointer, message, hint),
// gathered into a RecipeError so every problem of a recipe is reported at once, without a stack trace.

/** A place in a source: a recipe file (1-based line/col), or a `--set` argument (line 0). */
export interface Loc {
  /** Path as shown to the user (relative to cwd), or `--set a.b=c` for a command-line override. */
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

export interface RecipeIssue {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  /** JSON pointer of the offending value in the recipe ("" for the whole file). */
  readonly pointer: string;
  /** What is wrong, with the bad value, e.g. `/train/lr must be number, got string "3e-4"`. */
  readonly message: string;
  /** How to fix it, e.g. "remove the quotes." ("" when there is nothing useful to say). */
  readonly hint: string;
  /** The sweep trial this issue belongs to, e.g. `trial-3 (train.lr=0.001)`; absent for the base recipe. */
  readonly trial?: string;
}

export function makeIssue(loc: Loc, pointer: string, message: string, hint = "", trial?: string): RecipeIssue {
  return { file: loc.file, line: loc.line, col: loc.col, pointer, message, hint, ...(trial ? { trial } : {}) };
}

/** One line: `recipes/x.yaml:12:5: /train/lr must be number, got string "3e-4". Hint: remove the quotes.` */
export function formatIssue(issue: RecipeIssue): string {
  const where = issue.line > 0 ? `${issue.file}:${issue.line}:${issue.col}` : issue.file;
  const trial = issue.trial ? `${issue.trial}: ` : "";
  const hint = issue.hint ? ` Hint: ${issue.hint}` : "";
  return `${where}: ${trial}${issue.message}.${hint}`;
}

function compareIssues(a: RecipeIssue, b: RecipeIssue): number {
  return (a.trial ?? "").localeCompare(b.trial ?? "", "en", { numeric: true }) ||
    a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col || a.message.localeCompare(b.message);
}

/** Every problem found in a recipe (sorted by trial, file, line, col); `.format()` prints them one per line. */
export class RecipeError extends Error {
  override readonly name = "RecipeError";
  readonly issues: readonly RecipeIssue[];

  constructor(issues: readonly RecipeIssue[], options?: { cause?: unknown }) {
    const unique = [...new Map(issues.map((i) => [formatIssue(i), i])).values()].sort(compareIssues);
    super(unique.map(formatIssue).join("\n"), options);
    this.issues = unique;
  }

  /** The issues, one per line, for printing to the user (no stack trace). */
  format(): string {
    return this.issues.map(formatIssue).join("\n");
  }
}

/** Throws a RecipeError when `issues` is not empty. */
export function throwIfAny(issues: readonly RecipeIssue[]): void {
  if (issues.length > 0) throw new RecipeError(issues);
}
