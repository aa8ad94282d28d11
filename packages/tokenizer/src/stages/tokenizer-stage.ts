// The `tokenizer` stage (kind tokenizer.train): trains on the clean stage's train.jsonl and writes
// tokenizer.json (Lathe), tokenizer.hf.json (Hugging Face) and report.json.
import { statSync } from "node:fs";
import { join } from "node:path";
import type { Json, StageContext, StageDef } from "@lathe/engine";
import { buildTokenizer } from "../build.ts";
import { writeFileAtomic } from "../atomic.ts";
import { exportHfTokenizer } from "../formats/hf.ts";
import { saveTokenizer } from "../formats/lathe-json.ts";
import { docText, readJsonl } from "../jsonl.ts";
import type { TokenizerSection } from "../section.ts";

export type TokenizerTrainParams = Pick<TokenizerSection, "kind" | "vocab_size" | "split" | "split_regex" | "special_tokens" | "max_chars" | "unknown_char">;

export function trainParams(t: TokenizerSection): TokenizerTrainParams {
  const { kind, vocab_size, split, split_regex, special_tokens, max_chars, unknown_char } = t;
  return { kind, vocab_size, split, split_regex, special_tokens, max_chars, unknown_char };
}

export async function runTokenizerStage(ctx: StageContext<Json>, params: TokenizerTrainParams): Promise<void> {
  const trainPath = join(ctx.inputs.clean as string, "train.jsonl");
  const total = statSync(trainPath).size;
  let read = 0;
  async function* texts() {
    for await (const { doc, bytes } of readJsonl(trainPath)) {
      if (ctx.signal.aborted) throw ctx.signal.reason ?? new Error("aborted");
      read += bytes;
      ctx.progress({ done: read / 1e6, total: total / 1e6, unit: "MB" });
      yield docText(doc);
    }
  }
  const section = { ...params, pack: { dtype: "auto", loss_mask: "assistant" } } as TokenizerSection;
  ctx.log(`training ${params.kind} tokenizer${params.kind === "bpe" ? ` to ${params.vocab_size} tokens (split ${params.split})` : ""} on ${(total / 1e6).toFixed(2)} MB`);
  const { tokenizer, report } = await buildTokenizer(section, texts(), (done, all) => ctx.progress({ done, total: all, unit: "merges" }));
  saveTokenizer(tokenizer, join(ctx.outDir, "tokenizer.json"));
  writeFileAtomic(join(ctx.outDir, "tokenizer.hf.json"), JSON.stringify(exportHfTokenizer(tokenizer)));
  writeFileAtomic(join(ctx.outDir, "report.json"), JSON.stringify(report, null, 2));
  ctx.metric("vocab_size", tokenizer.vocabSize);
  ctx.log(`vocab ${tokenizer.vocabSize} in ${report.seconds.toFixed(2)} s`);
}

export function tokenizerStage(id: string, section: TokenizerSection, clean: StageDef): StageDef<TokenizerTrainParams & Json> {
  const params = trainParams(section) as TokenizerTrainParams & Json;
  return {
    id,
    kind: "tokenizer.train",
    version: "1",
    params,
    inputs: { clean: { stage: clean.id } },
    title: params.kind === "bpe" ? `tokenizer bpe ${params.vocab_size}` : `tokenizer ${params.kind}`,
    run: runTokenizer,
  };
}

/** The stage's run: a function of its params and inputs only. */
export function runTokenizer(ctx: StageContext<Json>): Promise<void> {
  return runTokenizerStage(ctx, ctx.params as unknown as TokenizerTrainParams);
}
