// Test helpers: a tiny random-init GPT written as a train stage's outDir (byte vocabulary + <|endoftext|> = 257 ids),
// the host engine on it, and engine wrappers that slow generation down or record what the server asked for.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getDevice } from "@lathe/gpu";
import { buildModel, resolveModelConfig, type TensorMap, writeSafetensors } from "@lathe/model";
import { byteTokenizer } from "@lathe/tokenizer";
import type { EngineRequest, ServingEngine } from "./engine.ts";
import { type HostEngine, hostEngine } from "./host-engine.ts";

export const TINY_T = 64;
export const TINY_V = 257;

/** Writes the tiny model to a fresh temp dir; returns the dir. */
export async function tinyTrainDir(seed = 3): Promise<string> {
  const cfg = resolveModelConfig({ kind: "gpt", n_layer: 1, n_head: 2, d_model: 16, context: TINY_T, init_std: 0.3 }, TINY_V);
  const model = buildModel(await getDevice({ backend: "cpu" }), cfg, seed);
  const tensors: TensorMap = new Map();
  for (const p of model.params.list) tensors.set(p.name, { data: (await p.tensor.read()) as Float32Array, shape: p.shape });
  const dir = mkdtempSync(join(tmpdir(), "lathe-serve-"));
  writeFileSync(join(dir, "config.json"), JSON.stringify(cfg));
  writeSafetensors(join(dir, "model.safetensors"), tensors);
  return dir;
}

/** The host engine on the tiny model, scoring on the CPU reference ops. */
export async function tinyEngine(trainDir: string): Promise<HostEngine> {
  return hostEngine({ trainDir, tokenizer: byteTokenizer(["<|endoftext|>"]), backend: "cpu" });
}

/** The same engine, each generated token held back ms milliseconds (the engine's slot stays busy meanwhile). */
export function slowEngine(inner: ServingEngine, ms: number): ServingEngine {
  return wrap(inner, async function* (req) {
    for await (const t of inner.submit(req)) {
      await Bun.sleep(ms);
      yield t;
    }
  });
}

/** The same engine, recording every request the server submitted (their signals show cancellation). */
export function recordingEngine(inner: ServingEngine): ServingEngine & { readonly requests: EngineRequest[] } {
  const requests: EngineRequest[] = [];
  return Object.assign(
    wrap(inner, (req) => {
      requests.push(req);
      return inner.submit(req);
    }),
    { requests },
  );
}

function wrap(inner: ServingEngine, submit: ServingEngine["submit"]): ServingEngine {
  return {
    contextLength: inner.contextLength,
    vocabSize: inner.vocabSize,
    endTokens: inner.endTokens,
    tokenize: (t) => inner.tokenize(t),
    detokenize: (ids) => inner.detokenize(ids),
    scorePrompt: (ids, k, signal) => inner.scorePrompt(ids, k, signal),
    stats: () => inner.stats(),
    submit,
  };
}
