// Greedy generate_until through the batched decoder gives the same texts as the scorer's one-request loop.
import { expect, test } from "bun:test";
import { loadDecoder } from "@lathe/model";
import { byteTokenizer, DEFAULT_SPECIALS } from "@lathe/tokenizer";
import { LatheLM } from "./lathe-lm.ts";
import { cpuScorer, writeRandomModel } from "./test-model.ts";

test("generate_until decodes greedy requests together on the batched decoder, with the same texts as one at a time", async () => {
  const tok = byteTokenizer(DEFAULT_SPECIALS);
  const trainDir = await writeRandomModel({ kind: "gpt", n_layer: 1, n_head: 2, d_model: 16, context: 32, init_std: 0.3 }, tok.vocabSize, 5);
  const scorer = await cpuScorer(trainDir);
  const decoder = await loadDecoder({ trainDir, backend: "cpu", maxSequences: 3, eot: tok.specialId("<|endoftext|>")! });
  try {
    const reqs = ["The ", "a", "", "Once upon a time", "<|user|>hi<|end|><|assistant|>"].flatMap((context) => [
      { context, until: ["e"], maxTokens: 12 },
      { context, until: ["<|end|>", "\n"], maxTokens: 20 },
    ]);
    const one = await new LatheLM(scorer, tok).generateUntil(reqs);
    const batched = await new LatheLM(scorer, tok, { decoder }).generateUntil(reqs);
    expect(batched).toEqual(one);
    expect(one.some((t) => t.length > 0)).toBe(true);
  } finally {
    await decoder.close();
    await scorer.close();
  }
}, 60_000);
