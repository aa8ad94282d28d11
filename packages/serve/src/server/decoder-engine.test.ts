// The decoder engine against its references on the tiny model (CPU reference ops): prompt scores equal loadScorer's
// with exact greedy flags, greedy generation and log-probabilities match the host engine, concurrent requests share
// one batched step and get what they get alone, an abort frees the sequence, only requests asking for alternatives
// ask the decoder for logits, a failing step reaches every reader, and an rnn model falls back to the host engine.
// Run: bun test packages/serve/src/server
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getDevice } from "@lathe/gpu";
import { buildModel, type DecodeOptions, loadDecoder, loadScorer, resolveModelConfig, type TensorMap, type TokenScorer, writeSafetensors } from "@lathe/model";
import { byteTokenizer } from "@lathe/tokenizer";
import { type DecoderEngine, decoderEngine, decoderEngineOn } from "./decoder-engine.ts";
import type { EngineRequest, GeneratedToken, ServingEngine } from "./engine.ts";
import type { HostEngine } from "./host-engine.ts";
import { TINY_V, tinyDecoderEngine, tinyEngine, tinyTrainDir } from "./test-engine.ts";

const TIMEOUT = 60_000;
const tok = byteTokenizer(["<|endoftext|>"]);
let dir: string;
let engine: DecoderEngine;
let host: HostEngine;
let scorer: TokenScorer;

beforeAll(async () => {
  dir = await tinyTrainDir(5);
  engine = await tinyDecoderEngine(dir);
  host = await tinyEngine(dir);
  scorer = await loadScorer({ trainDir: dir, backend: "cpu", eot: TINY_V - 1 });
}, TIMEOUT);

afterAll(async () => {
  await engine?.close();
  await host?.close();
  await scorer?.close();
});

const bytes = (s: string) => Array.from(new TextEncoder().encode(s));
const request = (prompt: readonly number[], o: Partial<EngineRequest> = {}): EngineRequest =>
  ({ prompt, maxTokens: 8, temperature: 0, topP: 1, topK: 0, stopTokens: [TINY_V - 1], signal: new AbortController().signal, ...o });

async function all(e: ServingEngine, req: EngineRequest): Promise<GeneratedToken[]> {
  const out: GeneratedToken[] = [];
  for await (const t of e.submit(req)) out.push(t);
  return out;
}

describe("prompt scores", () => {
  test.each([1, 3])("scorePrompt with top %d gives loadScorer's log-probabilities, and a greedy token equals its largest alternative", async (k) => {
    const start = bytes("the cat sat on the mat");
    const ids = [...start, ...(await all(host, request(start, { maxTokens: 12, stopTokens: [] }))).map((t) => t.token)]; // greedy tail
    const [want] = await scorer.score([{ tokens: ids, from: 1 }]);
    expect(want.greedy.filter(Boolean).length).toBeGreaterThanOrEqual(12);
    const got = await engine.scorePrompt(ids, k);
    const hostGot = await host.scorePrompt(ids, k);
    expect(got[0]).toEqual({ logprob: null, top: [] });
    got.slice(1).forEach((s, i) => {
      expect(s.logprob).toBe(want.logprobs[i]);
      expect(s.top.length).toBe(k);
      expect(s.logprob === Math.max(...s.top.map((t) => t.logprob))).toBe(want.greedy[i]);
      expect(s.top.map((t) => t.token)).toEqual(hostGot[i + 1].top.map((t) => t.token));
      s.top.forEach((t, j) => expect(Math.abs(t.logprob - hostGot[i + 1].top[j].logprob)).toBeLessThan(1e-5));
    });
  }, TIMEOUT);

  test("a one-token prompt scores to [null], an empty one to nothing, and top 0 asks for no alternatives", async () => {
    expect(await engine.scorePrompt([65], 2)).toEqual([{ logprob: null, top: [] }]);
    expect(await engine.scorePrompt([], 2)).toEqual([]);
    expect((await engine.scorePrompt(bytes("abc"), 0)).map((s) => s.top)).toEqual([[], [], []]);
  });
});

describe("generation", () => {
  test("greedy tokens and their log-probabilities match the host engine's, with the token first among its alternatives", async () => {
    const req = request(bytes("Once upon"), { maxTokens: 12, topLogprobs: 3 });
    const [got, want] = [await all(engine, req), await all(host, req)];
    expect(got.map((t) => t.token)).toEqual(want.map((t) => t.token));
    got.forEach((t, i) => {
      expect(Math.abs(t.logprob - want[i].logprob)).toBeLessThan(1e-5);
      expect(t.top![0]).toEqual({ token: t.token, logprob: t.logprob });
      expect(t.top!.map((a) => a.token)).toEqual(want[i].top!.map((a) => a.token));
    });
  }, TIMEOUT);

  test("concurrent seeded requests share batched steps and each gets what it gets alone", async () => {
    const reqs = Array.from({ length: 6 }, (_, i) => request(bytes(`prompt ${i}`), { temperature: 1, seed: 100 + i, maxTokens: 10, stopTokens: [] }));
    const alone: number[][] = [];
    for (const r of reqs) alone.push((await all(engine, r)).map((t) => t.token));
    let widest = 0;
    const watch = setInterval(() => (widest = Math.max(widest, engine.stats().batch)), 1);
    const together = await Promise.all(reqs.map((r) => all(engine, r).then((ts) => ts.map((t) => t.token))));
    clearInterval(watch);
    expect(together).toEqual(alone);
    expect(widest).toBeGreaterThan(1);
    expect(engine.stats()).toEqual({ running: 0, queued: 0, batch: 0 });
  }, TIMEOUT);

  test("an aborted request ends its stream and its sequence leaves the decoder at the next step", async () => {
    const ctrl = new AbortController();
    const got: number[] = [];
    for await (const t of engine.submit(request(bytes("go"), { maxTokens: 40, stopTokens: [], signal: ctrl.signal }))) {
      got.push(t.token);
      if (got.length === 3) ctrl.abort();
    }
    expect(got.length).toBe(3);
    for (const t0 = Date.now(); engine.stats().running > 0 && Date.now() - t0 < 5_000; ) await Bun.sleep(2);
    expect(engine.stats().running).toBe(0);
    expect(await all(engine, request(bytes("go"), { maxTokens: 2 }))).toHaveLength(2);
  }, TIMEOUT);

  test("an abort takes the sequence out of the batch even while its reader holds a token; the request runs until the reader leaves", async () => {
    const ctrl = new AbortController();
    const it = engine.submit(request(bytes("hold"), { maxTokens: 40, stopTokens: [], signal: ctrl.signal }))[Symbol.asyncIterator]();
    expect((await it.next()).done).toBe(false);
    ctrl.abort();
    for (const t0 = Date.now(); engine.stats().batch > 0 && Date.now() - t0 < 5_000; ) await Bun.sleep(2);
    expect(engine.stats()).toEqual({ running: 1, queued: 0, batch: 0 });
    expect((await it.next()).done).toBe(true);
    expect(engine.stats().running).toBe(0);
  }, TIMEOUT);

  test("a request aborted before it starts yields nothing", async () => {
    const ctrl = new AbortController();
    ctrl.abort();
    expect(await all(engine, request(bytes("x"), { signal: ctrl.signal }))).toEqual([]);
  });
});

describe("the shared decoder", () => {
  test("only requests asking for alternatives (and scoring with alternatives) ask the decoder for logits", async () => {
    const decoder = await loadDecoder({ trainDir: dir, backend: "cpu", eot: TINY_V - 1 });
    const asked: boolean[] = [];
    const add = decoder.add.bind(decoder);
    decoder.add = (prompt: readonly number[], o: DecodeOptions) => {
      asked.push(o.logits ?? false);
      return add(prompt, o);
    };
    const e = decoderEngineOn({ decoder, scorer: await loadScorer({ trainDir: dir, backend: "cpu", eot: TINY_V - 1 }), tokenizer: tok });
    try {
      await Promise.all([all(e, request(bytes("a"))), all(e, request(bytes("b"), { topLogprobs: 2 })), all(e, request(bytes("c")))]);
      expect(asked).toEqual([false, true, false]);
      asked.length = 0;
      await e.scorePrompt(bytes("abcd"), 2);
      expect(asked).toEqual([true, true, true]); // one prefix per scored position
    } finally {
      await e.close();
    }
  }, TIMEOUT);

  test("a step that throws fails every reader with its error, and the engine serves the next request", async () => {
    const decoder = await loadDecoder({ trainDir: dir, backend: "cpu", eot: TINY_V - 1 });
    const step = decoder.step.bind(decoder);
    let broken = true;
    decoder.step = () => (broken ? Promise.reject(new Error("device lost")) : step());
    const e = decoderEngineOn({ decoder, scorer: await loadScorer({ trainDir: dir, backend: "cpu", eot: TINY_V - 1 }), tokenizer: tok });
    try {
      const failed = await Promise.allSettled([all(e, request(bytes("a"))), all(e, request(bytes("b")))]);
      expect(failed.map((r) => (r.status === "rejected" ? (r.reason as Error).message : "ok"))).toEqual(["device lost", "device lost"]);
      broken = false;
      expect(await all(e, request(bytes("c"), { maxTokens: 3 }))).toHaveLength(3);
      expect(e.stats().running).toBe(0);
    } finally {
      await e.close();
    }
  }, TIMEOUT);
});

describe("other model kinds", () => {
  test("an rnn model is served by the host engine, and the log says why", async () => {
    const cfg = resolveModelConfig({ kind: "rnn", cell: "gru", n_layer: 1, hidden: 8, context: 16 }, TINY_V);
    const model = buildModel(await getDevice({ backend: "cpu" }), cfg, 1);
    const tensors: TensorMap = new Map();
    for (const p of model.params.list) tensors.set(p.name, { data: (await p.tensor.read()) as Float32Array, shape: p.shape });
    const rnnDir = mkdtempSync(join(tmpdir(), "lathe-serve-rnn-"));
    writeFileSync(join(rnnDir, "config.json"), JSON.stringify(cfg));
    writeSafetensors(join(rnnDir, "model.safetensors"), tensors);
    const lines: string[] = [];
    const e = await decoderEngine({ trainDir: rnnDir, tokenizer: tok, backend: "cpu", log: (l) => lines.push(l) });
    try {
      expect(lines).toEqual(['lathe serve: model kind "rnn" has no batched decoder; serving it with the host engine, one request at a time']);
      expect("backend" in e).toBe(false);
      expect(await all(e, request(bytes("hi"), { maxTokens: 3, stopTokens: [] }))).toHaveLength(3);
    } finally {
      await e.close();
    }
  }, TIMEOUT);
});
