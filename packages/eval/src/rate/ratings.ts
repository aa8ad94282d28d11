// The human ratings file: JSONL, one line per judgement (a blind pairwise vote, or 1–5 scores of one output),
// only ever appended to, so a crash can at worst cut the line being written and never touches earlier ones.
import { mkdir, open, readFile, truncate } from "node:fs/promises";
import { dirname } from "node:path";

/** What each output is scored on, 1 (bad) to 5 (good). */
export const CRITERIA = ["fluency", "coherence", "relevance"] as const;
export type Criterion = (typeof CRITERIA)[number];

/** A blind pairwise vote between two systems' outputs for one prompt. */
export interface PairwiseRating {
  /** ISO 8601 time of the judgement. */
  readonly at: string;
  readonly prompt: string;
  /** The two systems compared (stage ids, e.g. "train", "sft"), in the order shown: [A, B]. */
  readonly systems: readonly [string, string];
  /** Their outputs, in the same order. */
  readonly outputs: readonly [string, string];
  /** The better system's name, or "tie". */
  readonly winner: string;
}

/** 1–5 scores of one system's output for one prompt. */
export interface ScoreRating {
  readonly at: string;
  readonly prompt: string;
  readonly system: string;
  readonly output: string;
  readonly scores: Readonly<Record<Criterion, number>>;
}

export type Rating = PairwiseRating | ScoreRating;

export const isPairwise = (r: Rating): r is PairwiseRating => "systems" in r;

/** A line of a ratings file that is not a rating; the message names file:line, the bad value and a fix. */
export class RatingsFileError extends Error {
  override readonly name = "RatingsFileError";
  constructor(
    readonly file: string,
    readonly line: number,
    readonly problem: string,
    readonly value: string,
    readonly hint: string,
  ) {
    super(`${file}:${line}: ${problem}: ${value}. Hint: ${hint}`);
  }
}

/** A rating that cannot be written (checked before appending, so the file never holds a bad line). */
export class RatingError extends Error {
  override readonly name = "RatingError";
  constructor(
    readonly problem: string,
    readonly value: string,
  ) {
    super(`cannot record rating: ${problem}: ${value}. Hint: ${HINT}`);
  }
}

const HINT =
  'a vote is {"at","prompt","systems":[a,b],"outputs":[a,b],"winner":a|b|"tie"}, a score is {"at","prompt","system","output","scores":{"fluency","coherence","relevance": 1-5}}';
const PAIR_KEYS = new Set(["at", "prompt", "systems", "outputs", "winner"]);
const SCORE_KEYS = new Set(["at", "prompt", "system", "output", "scores"]);

const show = (v: unknown): string => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
};
const isStr = (v: unknown): v is string => typeof v === "string";
const isPairOf = (v: unknown, ok: (x: unknown) => boolean) => Array.isArray(v) && v.length === 2 && v.every(ok);

/** Why `v` is not a rating, as [problem, bad value], or null when it is one. */
export function ratingProblem(v: unknown): [string, string] | null {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return ["not a JSON object", show(v)];
  const o = v as Record<string, unknown>;
  const keys = "systems" in o ? PAIR_KEYS : SCORE_KEYS;
  for (const k of Object.keys(o)) if (!keys.has(k)) return [`unknown field "${k}"`, show(o[k])];
  for (const k of keys) if (!(k in o)) return [`missing field "${k}"`, show(v)];
  if (!isStr(o.at) || Number.isNaN(Date.parse(o.at))) return ['"at" is not an ISO time', show(o.at)];
  if (!isStr(o.prompt)) return ['"prompt" is not a string', show(o.prompt)];
  if ("systems" in o) {
    const s = o.systems as string[];
    if (!isPairOf(s, isStr) || s[0] === s[1]) return ['"systems" is not two different names', show(s)];
    if (s.includes("tie")) return ['a system may not be called "tie"', show(s)];
    if (!isPairOf(o.outputs, isStr)) return ['"outputs" is not two strings', show(o.outputs)];
    if (!isStr(o.winner) || !(s.includes(o.winner) || o.winner === "tie"))
      return [`"winner" is not ${s.map((x) => JSON.stringify(x)).join(", ")} or "tie"`, show(o.winner)];
    return null;
  }
  if (!isStr(o.system) || o.system === "") return ['"system" is not a name', show(o.system)];
  if (!isStr(o.output)) return ['"output" is not a string', show(o.output)];
  const sc = o.scores;
  if (typeof sc !== "object" || sc === null || Array.isArray(sc)) return ['"scores" is not an object', show(sc)];
  for (const k of Object.keys(sc)) if (!(CRITERIA as readonly string[]).includes(k)) return [`unknown criterion "${k}"`, show(sc)];
  for (const c of CRITERIA) {
    const x = (sc as Record<string, unknown>)[c];
    if (!Number.isInteger(x) || (x as number) < 1 || (x as number) > 5) return [`"scores.${c}" is not an integer 1-5`, show(x)];
  }
  return null;
}

/**
 * Appends one rating as one line (one write, then fsync). A torn last line left by a crash (no newline, not a
 * rating) is cut off first, so it can never glue onto the new line; the judgement it held is lost, nothing else.
 */
export async function appendRating(file: string, r: Rating): Promise<void> {
  const bad = ratingProblem(r);
  if (bad) throw new RatingError(...bad);
  await mkdir(dirname(file), { recursive: true });
  const prefix = await healTail(file);
  const fh = await open(file, "a");
  try {
    await fh.write(`${prefix}${JSON.stringify(r)}\n`);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** "" when the file is absent, empty or ends with a newline; else cuts a torn tail ("") or returns "\n" for a whole one. */
async function healTail(file: string): Promise<string> {
  let last: string;
  try {
    const fh = await open(file, "r");
    try {
      const { size } = await fh.stat();
      if (size === 0) return "";
      const b = Buffer.alloc(1);
      await fh.read(b, 0, 1, size - 1); // only the last byte, unless a crash left a torn line
      last = b.toString("latin1");
    } finally {
      await fh.close();
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return "";
    throw e;
  }
  if (last === "\n") return "";
  const text = await readFile(file, "utf8");
  const cut = text.lastIndexOf("\n") + 1;
  if (parseLine(text.slice(cut)) !== undefined) return "\n";
  await truncate(file, Buffer.byteLength(text.slice(0, cut)));
  return "";
}

/** The rating on a line, or undefined when it is not JSON or not a rating. */
function parseLine(line: string): Rating | undefined {
  try {
    const v: unknown = JSON.parse(line);
    return ratingProblem(v) === null ? (v as Rating) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * All ratings in the file, in order; [] when it does not exist. Blank lines are skipped, and so is a torn last line
 * (no newline, not a rating: a write cut by a crash). Any other bad line throws RatingsFileError.
 */
export async function readRatings(file: string): Promise<Rating[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw e;
  }
  const lines = text.split("\n");
  const out: Rating[] = [];
  for (const [i, line] of lines.entries()) {
    if (line.trim() === "") continue;
    const torn = i === lines.length - 1; // no newline after it
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      if (torn) break;
      throw new RatingsFileError(file, i + 1, "not JSON", show(line), "each line is one JSON object; delete a line cut short by a crash");
    }
    const bad = ratingProblem(v);
    if (bad && torn) break;
    if (bad) throw new RatingsFileError(file, i + 1, bad[0], bad[1], HINT);
    out.push(v as Rating);
  }
  return out;
}
