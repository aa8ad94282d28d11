// `lathe sample` and the sample stage decode gpt models with the batched decoder; the host loop (HostModel, one
// token at a time, sliding its window when the context fills) is its reference: the same tokens for the same seed,
// greedy and sampled, also past the context.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getDevice } from "@lathe/gpu";
import { byteTokenizer, saveTokenizer } from "@lathe/tokenizer";
import { resolveModelConfig } from "../config.ts";
import { writeSafetensors } from "../io/safetensors.ts";
import { buildModel } from "../nn/model.ts";
import { tensorsOf } from "../train/checkpoint.ts";
import { generate, generateHost } from "./sample.ts";

const T = 16;

async function dirs(section: Record<string, unknown>): Promise<{ trainDir: string; tokenizerDir: string }> {
  const tok = byteTokenizer(["<|endoftext|>"]);
  const cfg = resolveModelConfig({ ...section, context: T, init_std: 0.2 }, tok.vocabSize);
  const model = buildModel(await getDevice({ backend: "cpu" }), cfg, 5);
  const trainDir = mkdtempSync(join(tmpdir(), "lathe-sample-"));
  writeSafetensors(join(trainDir, "model.safetensors"), await tensorsOf(model.params.list));
  writeFileSync(join(trainDir, "config.json"), JSON.stringify(cfg));
  const tokenizerDir = mkdtempSync(join(tmpdir(), "lathe-sample-tok-"));
  saveTokenizer(tok, join(tokenizerDir, "tokenizer.json"));
  return { trainDir, tokenizerDir };
}

describe("generate", () => {
  test.each([
    ["greedy", { temperature: 0 }],
    ["sampled with top-k and top-p", { temperature: 0.9, topK: 40, topP: 0.95, seed: 7 }],
    ["sampled from the full distribution", { temperature: 1.2, topK: 0, topP: 1, seed: 3 }],
  ])("gives the host loop's tokens, %s, for 3× the context (two slides of the window)", async (_name, sampling) => {
    const d = await dirs({ kind: "gpt", n_layer: 2, n_head: 2, d_model: 16 });
    const o = { ...d, prompt: "The harbor at dawn", maxTokens: 3 * T, ...sampling };
    const decoded = await generate(o);
    const host = await generateHost(o);
    expect(decoded.tokens).toEqual([...host.tokens]);
    expect(decoded.text).toBe(host.text);
    expect(decoded.stoppedAtEot).toBe(host.stoppedAtEot);
  }, 60_000);

  test("uses the host loop for recurrent models (their state has no context to slide)", async () => {
    const d = await dirs({ kind: "rnn", n_layer: 1, hidden: 16 });
    const o = { ...d, prompt: "abc", maxTokens: 10, temperature: 0 };
    expect((await generate(o)).tokens).toEqual([...(await generateHost(o)).tokens]);
  });
});
