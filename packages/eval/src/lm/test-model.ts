// Test helpers: a tiny random-init model written as a train stage's outDir, the HostModel's token-by-token window score
// (the reference the batched scorer must match), and a scorer wrapper that records calls. Dimension letters: T context, V vocab.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getDevice } from "@lathe/gpu";
import {
  buildModel, type HostModel, loadScorer, resolveModelConfig, type ScoreWindow, type TensorMap, type TokenScorer,
  type WindowScore, writeSafetensors,
} from "@lathe/model";

/** Write a random-init model (config.json + model.safetensors) to a fresh temp dir; returns the dir. */
export async function writeRandomModel(section: Record<string, unknown>, vocabSize: number, seed = 1): Promise<string> {
  const dev = await getDevice({ backend: "cpu" });
  const cfg = resolveModelConfig(section, vocabSize);
  const model = buildModel(dev, cfg, seed);
  const tensors: TensorMap = new Map();
  for (const p of model.params.list) tensors.set(p.name, { data: (await p.tensor.read()) as Float32Array, shape: p.shape });
  const dir = mkdtempSync(join(tmpdir(), "lathe-eval-train-"));
  writeFileSync(join(dir, "config.json"), JSON.stringify(cfg));
  writeSafetensors(join(dir, "model.safetensors"), tensors);
  return dir;
}

/** ln p(tokens[i] | tokens[<i]) for i = from..n-1, fed one token at a time (the reference the scorers must match). */
export function hostWindowScore(model: HostModel, w: ScoreWindow): WindowScore {
  model.reset();
  const logprobs: number[] = [];
  const greedy: boolean[] = [];
  for (let i = 0; i < w.tokens.length - 1; i++) {
    const logits = model.step(w.tokens[i]); // (V)
    if (i + 1 < w.from) continue;
    const target = w.tokens[i + 1];
    let mx = -Infinity;
    let arg = 0;
    for (let v = 0; v < logits.length; v++) if (logits[v] > mx) [mx, arg] = [logits[v], v];
    let z = 0;
    for (let v = 0; v < logits.length; v++) z += Math.exp(logits[v] - mx);
    logprobs.push(logits[target] - mx - Math.log(z));
    greedy.push(arg === target);
  }
  return { logprobs: Float64Array.from(logprobs), greedy };
}

/** The scorer the eval tests run on: loadScorer on the CPU reference ops, eot = 256 (the byte tokenizer's). */
export function cpuScorer(trainDir: string): Promise<TokenScorer> {
  return loadScorer({ trainDir, backend: "cpu", eot: 256 });
}

/** Wraps a scorer, recording each score() call's windows and each generate() call's output length. */
export function countingScorer(inner: TokenScorer): TokenScorer & { readonly calls: number[]; readonly windows: ScoreWindow[][]; readonly generated: number[] } {
  const calls: number[] = [];
  const windows: ScoreWindow[][] = [];
  const generated: number[] = [];
  return {
    get context() { return inner.context; },
    get vocabSize() { return inner.vocabSize; },
    get eot() { return inner.eot; },
    get digest() { return inner.digest; },
    get backend() { return inner.backend; },
    calls,
    windows,
    generated,
    score: (w) => {
      calls.push(w.length);
      windows.push([...w]);
      return inner.score(w);
    },
    generate: async (p, o) => {
      const out = await inner.generate(p, o);
      generated.push(out.length);
      return out;
    },
    close: () => inner.close(),
  };
}

/** The tiny GPT the eval tests share: byte vocabulary + <|endoftext|> (id 256), context T = 16, a spread-out init. */
export const TINY_T = 16;
export async function tinyModel(seed = 1): Promise<{ trainDir: string; eot: number; vocabSize: number }> {
  const section = { kind: "gpt", n_layer: 1, n_head: 2, d_model: 16, context: TINY_T, init_std: 0.3 };
  return { trainDir: await writeRandomModel(section, 257, seed), eot: 256, vocabSize: 257 };
}
