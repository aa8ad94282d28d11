// decontaminate: drop training documents that share a word n-gram (13 by default, as in GPT-3) with an eval/test
// set or an eval task's records. Their n-grams are hashed into a Set of 52-bit keys; each document's n-grams are
// looked up, and a removal is attributed to the first set or task that contributed the shared n-gram.
import type { Doc } from "../doc.ts";
import { docText } from "../doc.ts";
import { drop, type Rule } from "./rule.ts";
import { ngramKey, WordHashes } from "./words.ts";

/** Where an n-gram came from: a set document's id, or a task record ("hellaswag_val.jsonl:17") and its task. */
export interface NgramOrigin {
  readonly id: string;
  readonly task?: string;
}

export interface NgramSet {
  readonly n: number;
  readonly keys: Set<number>;
  /** Where each n-gram came from (first occurrence), for reasons. */
  readonly origin: Map<number, NgramOrigin>;
  /** The eval tasks whose records were added, in order; the report counts removals per task. */
  readonly tasks: string[];
}

export function emptyNgramSet(n: number): NgramSet {
  return { n, keys: new Set(), origin: new Map(), tasks: [] };
}

/**
 * Add every n-gram of one text (a text shorter than n contributes its whole text); returns how many were new.
 * `w` is scratch space, reused across calls.
 */
export function addNgrams(set: NgramSet, text: string, from: NgramOrigin, w: WordHashes = new WordHashes()): number {
  w.scan(text);
  const g = Math.min(set.n, w.count);
  if (g === 0) return 0;
  let added = 0;
  for (let i = 0; i + g <= w.count; i++) {
    const key = ngramKey(w.hashes, i, g);
    if (!set.keys.has(key)) {
      set.keys.add(key);
      set.origin.set(key, from);
      added++;
    }
  }
  return added;
}

/** Hash every n-gram of the eval documents into `set` (a new one by default). */
export async function buildNgramSet(docs: AsyncIterable<Doc>, n: number, set: NgramSet = emptyNgramSet(n)): Promise<NgramSet> {
  const w = new WordHashes();
  for await (const d of docs) addNgrams(set, docText(d), { id: d.id }, w);
  return set;
}

export function decontaminateRule(set: NgramSet): Rule {
  const w = new WordHashes();
  return {
    label: "decontaminate",
    perMessage: false,
    tasks: set.tasks,
    apply(text) {
      w.scan(text);
      for (let i = 0; i + set.n <= w.count; i++) {
        const key = ngramKey(w.hashes, i, set.n);
        if (set.keys.has(key)) {
          const gram = Array.from({ length: set.n }, (_, j) => w.word(i + j)).join(" ");
          const from = set.origin.get(key)!;
          const where = from.task === undefined ? from.id : `task ${from.task} (${from.id})`;
          return drop("shared_ngram", `shares the ${set.n}-gram "${gram}" with ${where}`, from.task);
        }
      }
      return text;
    },
  };
}
