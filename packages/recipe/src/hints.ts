// Helpers for error text: "did you mean" suggestions (Levenshtein distance) and short descriptions of bad values.

/** Edit distance between two strings (insert, delete, substitute = 1 each). */
export function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** The closest candidate when it is close enough to be a likely typo (ties: first candidate), else undefined. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDist = Infinity;
  for (const c of candidates) {
    const cl = c.toLowerCase();
    const d = cl === lower ? 0 : Math.min(levenshtein(lower, cl), cl.startsWith(lower) || lower.startsWith(cl) ? 2 : Infinity);
    if (d < bestDist) [best, bestDist] = [c, d];
  }
  const limit = Math.max(2, Math.floor(word.length / 3));
  return best !== undefined && bestDist <= limit ? best : undefined;
}

/** `did you mean \`lr\`?`, or a list of the allowed names when none is close. */
export function didYouMean(word: string, candidates: readonly string[], what = "allowed keys"): string {
  const c = closest(word, candidates);
  if (c !== undefined) return `did you mean \`${c}\`?`;
  if (candidates.length === 0) return `nothing is allowed here.`;
  return `${what}: ${candidates.join(", ")}.`;
}

/** JSON-ish type name of a value: null, array, object, string, number, integer, boolean. */
export function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (Number.isInteger(v)) return "integer";
  return typeof v;
}

/** `string "3e-4"`, `number 0.5`, `array [1,2]`, `object {"a":1}` — short (long values are cut). */
export function describeValue(v: unknown): string {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  const kind = typeof v === "number" ? "number" : typeName(v);
  let text = JSON.stringify(v) ?? String(v);
  if (text.length > 60) text = `${text.slice(0, 57)}...`;
  return `${kind} ${text}`;
}

/** Renders a value as it would be written in YAML flow style (for showing choices and overrides). */
export function show(v: unknown): string {
  return typeof v === "string" && /^[\w.\-/]+$/.test(v) ? v : JSON.stringify(v);
}
