// What a built-in task module exports (registry.ts lists them), its options, and the helpers every task shares:
// option checks, seeded per-item randomness, and the "too little held-out text" error.
import type { Doc, LoadedTask } from "../tasks/types.ts";
import { BuiltinTaskError } from "./errors.ts";

export interface BuiltinOptions {
  /** Held-out document texts (the clean stage's val/test splits), never training text. Ignored by the WordNet tasks (wordnet_define, chat_*). */
  readonly heldOut: readonly string[];
  /** Most items to build. @default 500 */
  readonly limit?: number;
  /** Seeds item selection, distractors and choice order. @default 1234 */
  readonly seed?: number;
}

export interface BuiltinTaskDef {
  readonly name: string;
  /** One line: what the task measures. */
  readonly about: string;
  build(opts: Required<BuiltinOptions>): LoadedTask;
}

export const DEFAULT_LIMIT = 500;
export const DEFAULT_SEED = 1234;

/** Options with defaults applied; a bad limit or seed is an error naming the value. */
export function resolveOptions(name: string, opts: BuiltinOptions): Required<BuiltinOptions> {
  const limit = opts.limit ?? DEFAULT_LIMIT;
  const seed = opts.seed ?? DEFAULT_SEED;
  if (!Number.isSafeInteger(limit) || limit < 1) throw new BuiltinTaskError(`builtin:${name}`, `limit must be a positive integer (got ${limit})`, "pass limit: 500, or leave it out");
  if (!Number.isSafeInteger(seed) || seed < 0) throw new BuiltinTaskError(`builtin:${name}`, `seed must be a non-negative integer (got ${seed})`, "pass seed: 1234, or leave it out");
  return { heldOut: opts.heldOut, limit, seed };
}

/** A 64-bit key of (seed, text): orders candidate items so that an item's rank depends only on itself and the seed. */
export function rankKey(seed: number, text: string): bigint {
  return Bun.hash.wyhash(text, BigInt(seed));
}

/** The `limit` candidates with the smallest rank keys (ties by text), in that order. */
export function pickItems<T>(cands: readonly T[], keyText: (c: T) => string, seed: number, limit: number): T[] {
  const keyed = cands.map((c) => ({ c, t: keyText(c), k: rankKey(seed, keyText(c)) }));
  keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.t < b.t ? -1 : a.t > b.t ? 1 : 0));
  return keyed.slice(0, limit).map((x) => x.c);
}

/** A mulberry32 stream seeded from (seed, text): each item draws from its own stream. */
export function itemRng(seed: number, text: string): () => number {
  let a = Number(rankKey(seed, `rng\u0000${text}`) & 0xffffffffn);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher-Yates with the given stream (in place; returns the array). */
export function shuffle<T>(xs: T[], rng: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

/** The correct answer at a seeded position among the distractors: { choices, label }. */
export function placeAnswer(answer: string, distractors: readonly string[], rng: () => number): { choices: string[]; label: number } {
  const label = Math.floor(rng() * (distractors.length + 1));
  const choices = [...distractors];
  choices.splice(label, 0, answer);
  return { choices, label };
}

/** The error for held-out text too small to build a single item. */
export function tooLittleText(name: string, docs: number, need: string): BuiltinTaskError {
  return new BuiltinTaskError(
    `builtin:${name}`,
    `no item could be built from ${docs} held-out document${docs === 1 ? "" : "s"} (${need})`,
    "hold out more text (the clean stage's split rule: val/test) or use a larger dataset",
  );
}

/** A built-in task's LoadedTask: its source, no few-shot documents, and the chance level of its main metric if it has one. */
export function loaded(config: LoadedTask["config"], docs: readonly Doc[], chance?: number): LoadedTask {
  return { config, source: `builtin:${config.task}`, docs, fewshotDocs: [], ...(chance !== undefined ? { chance } : {}) };
}

/**
 * A four-choice task over docs with `choices` (a list of strings) and `label` columns, scored by acc and acc_norm
 * (chance 0.25). The columns are named, not templated, so quotes in choices are safe.
 */
export function fourChoice(task: string, docToText: string, docs: readonly Doc[], metadata: Readonly<Record<string, unknown>>): LoadedTask {
  return loaded(
    {
      task,
      output_type: "multiple_choice",
      doc_to_text: docToText,
      doc_to_choice: "choices",
      doc_to_target: "label",
      target_delimiter: " ",
      num_fewshot: 0,
      metric_list: [
        { metric: "acc", aggregation: "mean", higher_is_better: true },
        { metric: "acc_norm", aggregation: "mean", higher_is_better: true },
      ],
      metadata: { version: 1, ...metadata },
    },
    docs,
    0.25,
  );
}
