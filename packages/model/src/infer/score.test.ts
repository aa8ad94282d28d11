// The scorer against the host model (token by token, log-softmax of its logits) for gpt, rnn and hybrid on the CPU
// backend and on WebGPU: windows of 1, 2, odd and exactly-context inputs scored from the middle, batched or alone;
// greedy and sampled generation; the digest; and the errors for windows it cannot take.
import { afterAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Device, getDevice, sampleLogits, testDevice } from "@lathe/gpu";
import { resolveModelConfig } from "../config.ts";
import { writeSafetensors } from "../io/safetensors.ts";
import { buildModel } from "../nn/model.ts";
import { Rng } from "../rng.ts";
import { tensorsOf } from "../train/checkpoint.ts";
import type { HostModel } from "./host-model.ts";
import { loadHostModel } from "./load.ts";
import { loadScorer } from "./score.ts";
import type { ScoreWindow, TokenScorer } from "./token-scorer.ts";

const V = 37;
const T = 9;
/** |scorer - host| per log-probability, in nats: f32 forwards in different orders. */
const TOL = 1e-4;
/** |batched - alone|: the same forward on other batch shapes (kernels may tile differently). */
const BATCH_TOL = 1e-5;
const TIMEOUT = 120_000;

const models: [string, Record<string, unknown>][] = [
  ["gpt", { kind: "gpt", n_layer: 2, n_head: 2, d_model: 8, context: T }],
  ["rnn", { kind: "rnn", cell: "lstm", n_layer: 2, hidden: 8, embedding: 5, context: T }],
  ["hybrid", { kind: "hybrid", blocks: ["recurrent", "attention", "mlp", "attention"], n_head: 2, d_model: 8, context: T, cell: "gru" }],
];

/** A train stage's outDir for a randomly initialized model (large init so positions and tokens really matter). */
async function trainDir(section: Record<string, unknown>): Promise<string> {
  const cfg = resolveModelConfig({ ...section, init_std: 0.3 }, V);
  const model = buildModel(await getDevice({ backend: "cpu" }), cfg, 11);
  const dir = mkdtempSync(join(tmpdir(), "lathe-score-"));
  writeSafetensors(join(dir, "model.safetensors"), await tensorsOf(model.params.list));
  writeFileSync(join(dir, "config.json"), JSON.stringify(cfg));
  return dir;
}

/** ln p(tokens[i] | tokens[<i]) for i >= from, and the argmax flags, by feeding the host model one token at a time. */
function hostScore(host: HostModel, w: ScoreWindow): { logprobs: number[]; greedy: boolean[] } {
  host.reset();
  const logprobs: number[] = [];
  const greedy: boolean[] = [];
  for (let j = 0; j + 1 < w.tokens.length; j++) {
    const logits = host.step(w.tokens[j]);
    if (j + 1 < w.from) continue;
    let m = -Infinity;
    let best = 0;
    for (let v = 0; v < V; v++) if (logits[v] > m) [m, best] = [logits[v], v];
    let s = 0;
    for (let v = 0; v < V; v++) s += Math.exp(logits[v] - m);
    const t = w.tokens[j + 1];
    logprobs.push(logits[t] - m - Math.log(s));
    greedy.push(best === t);
  }
  return { logprobs, greedy };
}

/** The host model's next-token logits after the last T ids (the scorer's left-truncated window). */
function hostNext(host: HostModel, ids: readonly number[]): Float32Array {
  host.reset();
  let logits: Float32Array = new Float32Array(V);
  for (const id of ids.slice(-T)) logits = host.step(id);
  return logits;
}

function toks(n: number, salt: number): number[] {
  return Array.from({ length: n }, (_, i) => (i * 11 + salt * 7 + ((i * i * salt) % 5)) % V);
}

/** Inputs of 1, 2, an odd length and exactly the context, scored from the first token and from the middle. */
function windowsFor(host: HostModel): ScoreWindow[] {
  const greedyRun = [5, 9];
  while (greedyRun.length < T + 1) greedyRun.push(sampleLogits(hostNext(host, greedyRun), { temperature: 0 }, () => 0));
  return [
    { tokens: toks(2, 1), from: 1 },
    { tokens: toks(T + 1, 2), from: 4 },
    { tokens: toks(3, 3), from: 2 },
    { tokens: toks(6, 4), from: 3 },
    { tokens: toks(3, 5), from: 1 },
    { tokens: toks(T + 1, 6), from: 1 },
    { tokens: toks(8, 7), from: 5 },
    { tokens: greedyRun, from: 2 }, // the host's own greedy continuation: every flag true
  ];
}

const gpu = await testDevice();
const devices: [string, Device | null][] = [["cpu", await getDevice({ backend: "cpu" })], ["webgpu", gpu]];
const open: TokenScorer[] = [];
afterAll(async () => {
  for (const s of open) await s.close();
});

describe.each(devices)("on %s", (_name, dev) => {
  describe.each(models)("a %s scorer", (kind, section) => {
    let setup: Promise<{ dir: string; host: HostModel; scorer: TokenScorer; small: TokenScorer }> | null = null;
    const get = () =>
      (setup ??= (async () => {
        const dir = await trainDir(section);
        const scorer = await loadScorer({ trainDir: dir, device: dev! });
        const small = await loadScorer({ trainDir: dir, device: dev!, maxBatchTokens: 12 }); // forces batches of 1..3 windows
        open.push(scorer, small);
        return { dir, host: loadHostModel(dir), scorer, small };
      })());

    test.skipIf(!dev)("gives the host model's log-probabilities and greedy flags for windows of every length", async () => {
      const { host, scorer } = await get();
      expect(scorer.backend).toBe(dev!.kind);
      expect([scorer.context, scorer.vocabSize]).toEqual([T, V]);
      const windows = windowsFor(host);
      const got = await scorer.score(windows);
      let worst = 0;
      windows.forEach((w, i) => {
        const want = hostScore(host, w);
        expect(got[i].logprobs.length).toBe(w.tokens.length - w.from);
        for (let k = 0; k < want.logprobs.length; k++) worst = Math.max(worst, Math.abs(got[i].logprobs[k] - want.logprobs[k]));
        expect(got[i].greedy).toEqual(want.greedy);
      });
      expect(got.at(-1)!.greedy.every((g) => g)).toBe(true);
      expect(worst).toBeLessThan(TOL);
    }, TIMEOUT);

    test.skipIf(!dev)("batching windows of mixed lengths gives the numbers of scoring each alone", async () => {
      const { host, scorer, small } = await get();
      const windows = windowsFor(host);
      const all = await scorer.score(windows);
      const few = await small.score(windows);
      let worst = 0;
      for (const [i, w] of windows.entries()) {
        const [alone] = await scorer.score([w]);
        for (const other of [all[i], few[i]]) {
          expect(other.greedy).toEqual(alone.greedy);
          for (let k = 0; k < alone.logprobs.length; k++) worst = Math.max(worst, Math.abs(other.logprobs[k] - alone.logprobs[k]));
        }
      }
      expect(worst).toBeLessThan(BATCH_TOL);
    }, TIMEOUT);

    test.skipIf(!dev)("greedy generation continues like the host model over a left-truncated window", async () => {
      const { host, scorer } = await get();
      const prompt = toks(7, 8);
      const got = await scorer.generate(prompt, { maxTokens: 6 }); // runs past the context of 9
      const ctx = [...prompt];
      for (let i = 0; i < 6; i++) ctx.push(sampleLogits(hostNext(host, ctx), { temperature: 0 }, () => 0));
      expect(got).toEqual(ctx.slice(prompt.length));
    }, TIMEOUT);

    test.skipIf(!dev)("sampled generation follows the seed and stops when asked", async () => {
      const { host, scorer } = await get();
      const opts = { maxTokens: 5, temperature: 0.9, topK: 20, topP: 0.95, seed: 42 };
      const a = await scorer.generate([3, 4], opts);
      expect(await scorer.generate([3, 4], opts)).toEqual(a);
      const rng = new Rng(42);
      const ctx = [3, 4];
      for (let i = 0; i < 5; i++) ctx.push(sampleLogits(hostNext(host, ctx), opts, () => rng.next()));
      expect(a).toEqual(ctx.slice(2));
      expect(await scorer.generate([3, 4], { ...opts, stop: (g) => g.length === 2 })).toEqual(a.slice(0, 2));
    }, TIMEOUT);
  });
});

describe("a cpu scorer", () => {
  test("reports the backend it ran on and a sha256 over the weights and the config", async () => {
    const dir = await trainDir(models[0][1]);
    const scorer = await loadScorer({ trainDir: dir, backend: "cpu", eot: 36 });
    const want = createHash("sha256").update(readFileSync(join(dir, "model.safetensors"))).update(readFileSync(join(dir, "config.json"))).digest("hex");
    expect([scorer.backend, scorer.digest, scorer.eot]).toEqual(["cpu", want, 36]);
    expect((await scorer.generate([], { maxTokens: 2 })).length).toBe(2); // an empty prompt starts from eot
    await scorer.close();
  });

  test("refuses windows it cannot score, naming the window and the bad value", async () => {
    const scorer = await loadScorer({ trainDir: await trainDir(models[0][1]), backend: "cpu" });
    const bad: [ScoreWindow, string][] = [
      [{ tokens: [1], from: 1 }, "window 1: has 1 tokens. Hint: a window holds 2..10 tokens (the context 9, plus the last target); left-truncate longer ones"],
      [{ tokens: toks(T + 2, 1), from: 1 }, "window 1: has 11 tokens"],
      [{ tokens: [1, 2, 3], from: 0 }, "window 1: from = 0 with 3 tokens. Hint: score from an index in 1..2"],
      [{ tokens: [1, 2, 3], from: 3 }, "window 1: from = 3 with 3 tokens"],
      [{ tokens: [1, V, 3], from: 1 }, `window 1: token 1 is ${V}. Hint: ids are integers in 0..${V - 1}`],
    ];
    for (const [w, msg] of bad) await expect(scorer.score([{ tokens: [1, 2], from: 1 }, w])).rejects.toThrow(msg);
    await expect(scorer.generate([], { maxTokens: 1 })).rejects.toThrow("window 0: the prompt is empty and the eot id is unknown");
    await scorer.close();
  });
});
