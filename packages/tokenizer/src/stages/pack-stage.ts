// The `pack` stage (kind tokenizer.pack): encodes the clean stage's train/val/test.jsonl with the trained
// tokenizer into llm.c shards train.bin/val.bin/test.bin (+ *.mask.bin for splits with chat documents) and
// meta.json (vocab_size, eot, dtype, header, specials, per-split docs/tokens/bytes, so the trainer can report
// bits per byte = loss_nats * tokens / (ln 2 * bytes)).
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Json, StageContext, StageDef } from "@lathe/engine";
import { writeFileAtomic } from "../atomic.ts";
import { loadTokenizer } from "../formats/lathe-json.ts";
import { packSplit, pickDtype, type SplitStats } from "../pack/pack.ts";
import { SHARD_HEADERS } from "../pack/shard.ts";
import { EOT } from "../presets.ts";
import type { TokenizerSection } from "../section.ts";

export type PackParams = TokenizerSection["pack"];
export const SPLITS = ["train", "val", "test"] as const;

export interface PackMeta {
  readonly vocab_size: number;
  readonly eot: number;
  readonly dtype: "uint16" | "uint32";
  readonly header: { readonly magic: number; readonly version: number; readonly ints: 256 };
  readonly specials: readonly { content: string; id: number }[];
  readonly splits: Readonly<Record<string, SplitStats>>;
}

export async function runPackStage(ctx: StageContext<Json>, params: PackParams): Promise<void> {
  const clean = ctx.inputs.clean as string;
  const tok = loadTokenizer(join(ctx.inputs.tokenizer as string, "tokenizer.json"));
  const dtype = pickDtype(tok.vocabSize, params.dtype);
  const present = SPLITS.filter((s) => existsSync(join(clean, `${s}.jsonl`)));
  const total = present.reduce((a, s) => a + statSync(join(clean, `${s}.jsonl`)).size, 0);
  let done = 0;
  const splits: Record<string, SplitStats> = {};
  for (const s of present) {
    const input = join(clean, `${s}.jsonl`);
    const maskPath = params.loss_mask === "assistant" ? join(ctx.outDir, `${s}.mask.bin`) : null;
    const stats = await packSplit(tok, input, join(ctx.outDir, `${s}.bin`), maskPath, dtype, (b) => {
      if (ctx.signal.aborted) throw ctx.signal.reason ?? new Error("aborted");
      done += b;
      ctx.progress({ done: done / 1e6, total: total / 1e6, unit: "MB" });
    });
    splits[s] = stats;
    ctx.log(`${s}: ${stats.docs} docs, ${stats.tokens} tokens, ${(stats.bytes / Math.max(1, stats.tokens)).toFixed(2)} bytes/token${stats.mask ? ", with loss mask" : ""}`);
    ctx.metric(`${s}_tokens`, stats.tokens);
  }
  const meta: PackMeta = {
    vocab_size: tok.vocabSize,
    eot: tok.specialId(EOT)!,
    dtype,
    header: { ...SHARD_HEADERS[dtype], ints: 256 },
    specials: tok.specials,
    splits,
  };
  writeFileAtomic(join(ctx.outDir, "meta.json"), JSON.stringify(meta, null, 2));
}

export function packStage(id: string, section: TokenizerSection, clean: StageDef, tokenizer: StageDef): StageDef<PackParams & Json> {
  const params = { ...section.pack } as PackParams & Json;
  return {
    id,
    kind: "tokenizer.pack",
    version: "1",
    params,
    inputs: { clean: { stage: clean.id }, tokenizer: { stage: tokenizer.id } },
    title: "pack shards",
    run: runPack,
  };
}

/** The stage's run: a function of its params and inputs only. */
export function runPack(ctx: StageContext<Json>): Promise<void> {
  return runPackStage(ctx, ctx.params as unknown as PackParams);
}
