// dedup: exact (hash of normalized text) and near-duplicate (MinHash LSH); the first document in input order is
// kept, later ones are removed with the id of the document they duplicate.
import type { ExactDedupRule, MinHashDedupRule } from "../params.ts";
import { estimateJaccard, LshIndex, MinHasher } from "./minhash.ts";
import { drop, r3, type Rule } from "./rule.ts";
import { normalizedWords, WordHashes } from "./words.ts";

export function exactDedup(p: ExactDedupRule): Rule {
  const seen = new Map<bigint | number, string>();
  const w = new WordHashes();
  return {
    label: "dedup/exact",
    perMessage: false,
    apply(text, id) {
      const key = Bun.hash(p.normalize_text ? normalizedWords(text, w) : text);
      const first = seen.get(key);
      if (first !== undefined) return drop("duplicate", `same ${p.normalize_text ? "normalized " : ""}text as ${first}`);
      seen.set(key, id);
      return text;
    },
  };
}

export function minhashDedup(p: MinHashDedupRule): Rule {
  const hasher = new MinHasher(p);
  const index = new LshIndex(hasher);
  const sig = new Int32Array(hasher.k); // (K)
  const ids: string[] = [];
  return {
    label: "dedup/minhash",
    perMessage: false,
    apply(text, id) {
      hasher.signature(text, sig);
      // No words, no shingles: MinHash has nothing to compare, so the document is kept and not indexed (exact
      // dedup is the rule that catches identical symbol-only documents).
      if (hasher.shingles === 0) return text;
      const m = index.add(sig);
      ids.push(id);
      if (m < 0) return text;
      const j = estimateJaccard(sig, index.signatureOf(m));
      return drop("near_duplicate", `near-duplicate of ${ids[m]} (estimated Jaccard ${r3(j)} over ${hasher.k} hashes of ${p.ngram}-word shingles)`);
    },
  };
}
