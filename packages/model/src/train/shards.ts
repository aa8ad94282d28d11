// The pack stage's meta.json as the trainer needs it: vocabulary size, eot, and bytes per split (for bits per byte).
// The shards themselves are read by @lathe/tokenizer's TokenLoader.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CheckpointError } from "../errors.ts";

export interface PackMeta {
  readonly vocab_size: number;
  readonly eot: number;
  readonly dtype: string;
  readonly raw: Record<string, unknown>;
}

export function readMeta(packDir: string): PackMeta {
  const file = join(packDir, "meta.json");
  if (!existsSync(file)) throw new CheckpointError(file, "missing", "the pack stage writes meta.json; rebuild the pack stage");
  const raw = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  if (typeof raw.vocab_size !== "number") throw new CheckpointError(file, `vocab_size is ${JSON.stringify(raw.vocab_size)}`, "meta.json must name vocab_size");
  return { vocab_size: raw.vocab_size, eot: Number(raw.eot ?? -1), dtype: String(raw.dtype ?? "uint16"), raw };
}

/** UTF-8 bytes per token of a split (meta.json splits.<split>.bytes / .tokens), for bits per byte; null if unknown. */
export function bytesPerToken(meta: PackMeta, split: string): number | null {
  const st = (meta.raw as { splits?: Record<string, { bytes?: number; tokens?: number }> }).splits?.[split];
  return st?.bytes && st.tokens ? st.bytes / st.tokens : null;
}

