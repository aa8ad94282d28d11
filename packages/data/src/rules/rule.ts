// The shape every cleaning rule has: look at one document's text, return the (possibly rewritten) text or a Drop.

/** Why a document was removed: a short category (counted in the report) and a sentence with the numbers. */
export interface Drop {
  readonly drop: string;
  readonly detail: string;
  /** The eval task the document contaminates (decontaminate tasks:); the report counts removals per task. */
  readonly task?: string;
}

export type Verdict = string | Drop;

export function isDrop(v: Verdict): v is Drop {
  return typeof v !== "string";
}

export function drop(category: string, detail: string, task?: string): Drop {
  return task === undefined ? { drop: category, detail } : { drop: category, detail, task };
}

export interface Rule {
  /** "filter/gopher_quality", "dedup/minhash", ... (the report prefixes the list index). */
  readonly label: string;
  /** Rewrite rules (normalize, pii) run on each chat message; judges run on the joined text. */
  readonly perMessage: boolean;
  /** Eval tasks this rule protects (decontaminate tasks:): the report gets a by_task entry for each, even at 0. */
  readonly tasks?: readonly string[];
  apply(text: string, id: string): Verdict;
}

/** Round for reports: 3 significant decimals. */
export function r3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
