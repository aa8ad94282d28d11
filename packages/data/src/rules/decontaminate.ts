// decontaminate: drop training documents that share a word n-gram (13 by default, as in GPT-3) with an eval/test
// set. The sets' n-grams are hashed into a Set of 52-bit keys; each document's n-grams are looked up.
import type { Doc } from "../doc.ts";
import { docText } from "../doc.ts";
import { drop, type Rule } from "./rule.ts";
import { ngramKey, WordHashes } from "./words.ts";

export interface NgramSet {
  readonly n: number;
  readonly keys: Set<number>;
  /** Where each n-gram came from (first occurrence), for reasons. */
  readonly origin: Map<number, string>;
}

/** Hash every n-gram of the eval documents (documents shorter than n contribute their whole text). */
export async function buildNgramSet(docs: AsyncIterable<Doc>, n: number): Promise<NgramSet> {
  const keys = new Set<number>();
  const origin = new Map<number, string>();
  const w = new WordHashes();
  for await (const d of docs) {
    w.scan(docText(d));
    const g = Math.min(n, w.count);
    if (g === 0) continue;
    for (let i = 0; i + g <= w.count; i++) {
      const key = ngramKey(w.hashes, i, g);
      if (!keys.has(key)) {
        keys.add(key);
        origin.set(key, d.id);
      }
    }
  }
  return { n, keys, origin };
}

export function decontaminateRule(set: NgramSet): Rule {
  const w = new WordHashes();
  return {
    label: "decontaminate",
    perMessage: false,
    apply(text) {
      w.scan(text);
      for (let i = 0; i + set.n <= w.count; i++) {
        const key = ngramKey(w.hashes, i, set.n);
        if (set.keys.has(key)) {
          const gram = Array.from({ length: set.n }, (_, j) => w.word(i + j)).join(" ");
          return drop("shared_ngram", `shares the ${set.n}-gram "${gram}" with ${set.origin.get(key)}`);
        }
      }
      return text;
    },
  };
}
