// split: assign a document to train/val/test by a seeded 64-bit hash of its text (or id), mapped to [0, 1):
// a document's split depends only on itself and the seed, so adding documents never moves existing ones.
import type { SplitRule } from "../params.ts";

export type SplitName = "train" | "val" | "test";

export function splitOf(p: Pick<SplitRule, "val" | "test" | "seed">, key: string): SplitName {
  const h = Bun.hash.wyhash(key, BigInt(p.seed));
  const u = Number(h >> 11n) / 2 ** 53; // top 53 bits → [0, 1)
  if (u < p.test) return "test";
  if (u < p.test + p.val) return "val";
  return "train";
}
