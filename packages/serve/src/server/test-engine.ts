// Test helpers: a tiny random-init GPT written as a train stage's outDir (byte vocabulary + <|endoftext|> = 257 ids),
// the host engine and the decoder engine on it (the kits the shared server cases run against), and engine wrappers
// that slow generation down or record what the server asked for.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getDevice } from "@lathe/gpu";
import { buildModel, loadDecoder, loadScorer, resolveModelConfig, type TensorMap, writeSafetensors } from "@lathe/model";
import { byteTokenizer } from "@lathe/tokenizer";
import { type DecoderEngine, decoderEngineOn } from "./decoder-engine.ts";
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

/** An engine a test closes when it is done with it. */
export type TestEngine = ServingEngine & { close(): Promise<void> };

/** What the shared server cases (openai.case.ts, limits.case.ts) need of an engine, for each engine they run against. */
export interface EngineKit {
  /** The engine on the tiny model in trainDir, on the CPU reference ops. */
  open(trainDir: string): Promise<TestEngine>;
  /** An engine on the same model that serves one request at a time, each of its tokens ms late. */
  oneSlowSlot(engine: TestEngine, trainDir: string, ms: number): Promise<TestEngine>;
}

/** The host engine: one request at a time already, so slowing its tokens keeps its one slot busy. */
export const hostKit: EngineKit = {
  open: tinyEngine,
  oneSlowSlot: async (engine, _, ms) => ({ ...slowEngine(engine, ms), close: async () => {} }),
};

/** The decoder engine (16 sequences per step); its slow variant has one sequence slot and steps ms long. */
export const decoderKit: EngineKit = {
  open: (trainDir) => tinyDecoderEngine(trainDir),
  oneSlowSlot: (_, trainDir, ms) => tinyDecoderEngine(trainDir, { maxSequences: 1, stepMs: ms }),
};

/** The decoder engine on the tiny model (CPU reference ops); stepMs holds each decoder step back that long. */
export async function tinyDecoderEngine(trainDir: string, o: { maxSequences?: number; stepMs?: number } = {}): Promise<DecoderEngine> {
  const decoder = await loadDecoder({ trainDir, backend: "cpu", eot: TINY_V - 1, maxSequences: o.maxSequences ?? 16 });
  const { stepMs } = o;
  if (stepMs) {
    const step = decoder.step.bind(decoder);
    decoder.step = async () => {
      await Bun.sleep(stepMs);
      return step();
    };
  }
  const scorer = await loadScorer({ trainDir, backend: "cpu", eot: TINY_V - 1 });
  return decoderEngineOn({ decoder, scorer, tokenizer: byteTokenizer(["<|endoftext|>"]) });
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
