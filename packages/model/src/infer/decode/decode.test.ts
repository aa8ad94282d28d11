// The batched decoder against the host model (one sequence, one token at a time) for a learned-position GPT and a
// RoPE/RMSNorm/SwiGLU one, on the CPU backend and on WebGPU: greedy tokens and every step's logits of several
// prompts decoded together; batch invariance when sequences join, leave or are cancelled; seeded sampling; chunked
// prefill; pages given back; the context limit; and the errors for requests it cannot take.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Device, getDevice, sampleLogits, testDevice } from "@lathe/gpu";
import { resolveModelConfig } from "../../config.ts";
import { writeSafetensors } from "../../io/safetensors.ts";
import { buildModel } from "../../nn/model.ts";
import { Rng } from "../../rng.ts";
import { tensorsOf } from "../../train/checkpoint.ts";
import type { HostModel } from "../host-model.ts";
import { loadHostModel } from "../load.ts";
import type { Decoder, DecodeOptions, FinishReason, SequenceId } from "./decoder.ts";
import { loadDecoder } from "./load.ts";

const V = 37;
const T = 20;
/** |decoder - host| per logit, relative to 1 + |host|: f32 kernels against the host's f32/f64 loops. */
const TOL = 2e-5;
/** |chunked - unchunked| per logit: the same kernels over other row counts (matmuls may tile differently). */
const BATCH_TOL = 1e-5;
const TIMEOUT = 120_000;

const models: [string, Record<string, unknown>][] = [
  ["gpt with learned positions, layernorm and gelu", { kind: "gpt", n_layer: 2, n_head: 2, d_model: 8, context: T }],
  ["gpt with rope, rmsnorm, swiglu, 3 heads, untied and no bias", { kind: "gpt", n_layer: 2, n_head: 3, d_model: 12, context: T, pos: "rope", norm: "rmsnorm", mlp: "swiglu", tie_embeddings: false, bias: false }],
];

/** A train stage's outDir for a randomly initialized model (large init so positions and tokens really matter). */
async function trainDir(section: Record<string, unknown>): Promise<string> {
  const cfg = resolveModelConfig({ ...section, init_std: 0.3 }, V);
  const model = buildModel(await getDevice({ backend: "cpu" }), cfg, 11);
  const dir = mkdtempSync(join(tmpdir(), "lathe-decode-"));
  writeSafetensors(join(dir, "model.safetensors"), await tensorsOf(model.params.list));
  writeFileSync(join(dir, "config.json"), JSON.stringify(cfg));
  return dir;
}

function toks(n: number, salt: number): number[] {
  return Array.from({ length: n }, (_, i) => (i * 11 + salt * 7 + ((i * i * salt) % 5)) % V);
}

interface Run {
  tokens: number[];
  logits: Float32Array[];
  reason: FinishReason | null;
}

/** The host model's decoding of one request alone, with the decoder's finishing rules. */
function hostRun(host: HostModel, prompt: readonly number[], o: DecodeOptions, eot = -1): Run {
  host.reset();
  let logits: Float32Array = new Float32Array(V);
  for (const id of prompt) logits = host.step(id);
  const rng = new Rng(o.seed ?? 0);
  const run: Run = { tokens: [], logits: [], reason: null };
  for (;;) {
    const t = sampleLogits(logits, { temperature: o.temperature ?? 0, topK: o.topK ?? 0, topP: o.topP ?? 1 }, () => rng.next());
    run.tokens.push(t);
    run.logits.push(logits);
    run.reason = t === eot ? "eot" : o.stop?.includes(t) ? "stop" : run.tokens.length >= o.maxTokens ? "length" : host.pos >= T ? "context" : null;
    if (run.reason) return run;
    logits = host.step(t);
  }
}

/** Step until every listed sequence is done; hooks run before the given step numbers. */
async function drive(dec: Decoder, ids: SequenceId[], hooks: Record<number, () => SequenceId | void> = {}): Promise<Map<SequenceId, Run>> {
  const runs = new Map<SequenceId, Run>(ids.map((id) => [id, { tokens: [], logits: [], reason: null }]));
  for (let step = 0; [...runs.values()].some((r) => r.reason === null); step++) {
    const added = hooks[step]?.();
    if (added !== undefined) runs.set(added, { tokens: [], logits: [], reason: null });
    for (const e of await dec.step()) {
      const r = runs.get(e.id)!;
      if (e.token >= 0) r.tokens.push(e.token);
      if (e.logits) r.logits.push(e.logits);
      if (e.done) r.reason = e.reason!;
    }
    if (step > 200) throw new Error("decoding did not finish");
  }
  return runs;
}

function worstLogitErr(got: Float32Array[], want: Float32Array[]): number {
  expect(got.length).toBe(want.length);
  let e = 0;
  got.forEach((g, k) => {
    for (let v = 0; v < V; v++) e = Math.max(e, Math.abs(g[v] - want[k][v]) / (1 + Math.abs(want[k][v])));
  });
  return e;
}

const gpu = await testDevice();
const devices: [string, Device | null][] = [["cpu", await getDevice({ backend: "cpu" })], ["webgpu", gpu]];
const open: Decoder[] = [];
afterAll(async () => {
  for (const d of open) await d.close();
});

describe.each(devices)("on %s", (_name, dev) => {
  describe.each(models)("a %s", (_kind, section) => {
    let setup: Promise<{ dir: string; host: HostModel; dec: Decoder }> | null = null;
    const get = () =>
      (setup ??= (async () => {
        const dir = await trainDir(section);
        const dec = await loadDecoder({ trainDir: dir, device: dev!, maxSequences: 4, pageSize: 4, prefillChunk: 4 });
        open.push(dec);
        return { dir, host: loadHostModel(dir), dec };
      })());

    test.skipIf(!dev)("decodes several prompts at once greedily with the host model's tokens and logits for each alone", async () => {
      const { host, dec } = await get();
      expect([dec.backend, dec.context, dec.vocabSize]).toEqual([dev!.kind, T, V]);
      // 1 token; 5; 13 (prefilled in chunks of 4); T-3, which reaches the context after 4 tokens.
      const reqs: [number[], DecodeOptions][] = [
        [toks(1, 1), { maxTokens: 6, logits: true }],
        [toks(5, 2), { maxTokens: 9, logits: true }],
        [toks(13, 3), { maxTokens: 5, logits: true }],
        [toks(T - 3, 4), { maxTokens: 10, logits: true }],
      ];
      const ids = reqs.map(([p, o]) => dec.add(p, o));
      const runs = await drive(dec, ids);
      let worst = 0;
      reqs.forEach(([p, o], i) => {
        const want = hostRun(host, p, o);
        const got = runs.get(ids[i])!;
        expect([got.tokens, got.reason]).toEqual([want.tokens, want.reason]);
        worst = Math.max(worst, worstLogitErr(got.logits, want.logits));
      });
      expect(runs.get(ids[3])!.reason).toBe("context");
      expect(runs.get(ids[3])!.tokens.length).toBe(4);
      expect(worst).toBeLessThan(TOL);
    }, TIMEOUT);

    test.skipIf(!dev)("a sequence joining mid-way and one cancelled leave the others' tokens unchanged", async () => {
      const { dec } = await get();
      const [a, b, c]: [number[], DecodeOptions][] = [[toks(3, 5), { maxTokens: 8 }], [toks(9, 6), { maxTokens: 8 }], [toks(6, 7), { maxTokens: 5 }]];
      const alone = [];
      for (const [p, o] of [a, b, c]) alone.push(await dec.generate(p, o));
      const ids = [dec.add(...a), dec.add(...b)];
      let idC = -1;
      const runs = await drive(dec, ids, {
        2: () => (idC = dec.add(...c)),
        4: () => void expect(dec.cancel(ids[1])).toBe(true),
      });
      expect(runs.get(ids[0])).toMatchObject({ tokens: alone[0].tokens, reason: "length" });
      expect(runs.get(idC)).toMatchObject({ tokens: alone[2].tokens, reason: "length" });
      const cancelled = runs.get(ids[1])!;
      expect(cancelled.reason).toBe("cancelled");
      expect(cancelled.tokens).toEqual(alone[1].tokens.slice(0, cancelled.tokens.length)); // B: 3 steps of prefill, then 1 token
      expect(cancelled.tokens.length).toBe(2);
      expect(dec.cancel(ids[1])).toBe(false);
    }, TIMEOUT);

    test.skipIf(!dev)("seeded sampling gives the same tokens alone, batched with other requests, and as the host model", async () => {
      const { host, dec } = await get();
      const o: DecodeOptions = { maxTokens: 7, temperature: 0.9, topK: 20, topP: 0.95, seed: 42 };
      const prompt = toks(4, 8);
      const alone = await dec.generate(prompt, o);
      expect(alone.tokens).toEqual(hostRun(host, prompt, o).tokens);
      const ids = [dec.add(toks(7, 9), { ...o, seed: 1 }), dec.add(prompt, o), dec.add(toks(2, 10), { ...o, seed: 2, temperature: 1.5, maxTokens: 12 })];
      const runs = await drive(dec, ids);
      expect(runs.get(ids[1])).toMatchObject({ tokens: alone.tokens, reason: alone.reason });
      expect(runs.get(ids[0])!.tokens).not.toEqual(alone.tokens);
    }, TIMEOUT);

    test.skipIf(!dev)("chunked prefill of a prompt longer than the chunk gives the unchunked tokens and logits", async () => {
      const { dir, dec } = await get();
      const whole = await loadDecoder({ trainDir: dir, device: dev!, maxSequences: 2, pageSize: 4, prefillChunk: 64 });
      open.push(whole);
      const prompt = toks(17, 11);
      const o: DecodeOptions = { maxTokens: 3, logits: true };
      const [chunked] = [...(await drive(dec, [dec.add(prompt, o)])).values()];
      const [unchunked] = [...(await drive(whole, [whole.add(prompt, o)])).values()];
      expect(chunked.tokens).toEqual(unchunked.tokens);
      expect(worstLogitErr(chunked.logits, unchunked.logits)).toBeLessThan(BATCH_TOL);
    }, TIMEOUT);

    test.skipIf(!dev)("requests beyond the pool wait their turn and every page is free again when all have finished", async () => {
      const { dir, host } = await get();
      // 3 pages of 4 positions: each request below needs 2 (7 + 2 - 1 positions), so the second waits for the first.
      const small = await loadDecoder({ trainDir: dir, device: dev!, maxSequences: 4, pageSize: 4, maxTokens: 12 });
      open.push(small);
      const reqs: [number[], DecodeOptions][] = [[toks(7, 12), { maxTokens: 2 }], [toks(7, 13), { maxTokens: 2 }], [toks(1, 14), { maxTokens: 1 }]];
      const ids = reqs.map(([p, o]) => small.add(p, o));
      expect(small.stats()).toMatchObject({ running: 0, waiting: 3, pages: 3, freePages: 3 });
      let sawWaiting = false;
      const during = () => small.stats();
      const runs = await drive(small, ids, { 1: () => void (sawWaiting = during().running === 1 && during().waiting === 2 && during().freePages === 1) });
      expect(sawWaiting).toBe(true);
      reqs.forEach(([p, o], i) => expect(runs.get(ids[i])!.tokens).toEqual(hostRun(host, p, o).tokens));
      expect(small.stats()).toEqual({ running: 0, waiting: 0, pages: 3, freePages: 3, availablePages: 3, pageSize: 4 });
    }, TIMEOUT);

    test.skipIf(!dev)("stop ids and eot finish a sequence with their reason, the finishing token reported", async () => {
      const { dir, host, dec } = await get();
      const prompt = toks(3, 15);
      const free = hostRun(host, prompt, { maxTokens: 6 }).tokens;
      const stopAt = free.indexOf(free[2]);
      expect(await dec.generate(prompt, { maxTokens: 6, stop: [free[2]] })).toEqual({ tokens: free.slice(0, stopAt + 1), reason: "stop" });
      const withEot = await loadDecoder({ trainDir: dir, device: dev!, maxSequences: 1, eot: free[1] });
      open.push(withEot);
      const eotAt = free.indexOf(free[1]);
      expect(await withEot.generate(prompt, { maxTokens: 6 })).toEqual({ tokens: free.slice(0, eotAt + 1), reason: "eot" });
    }, TIMEOUT);
  });
});

describe("a cpu decoder", () => {
  test("refuses requests it cannot take, naming the bad value", async () => {
    const dir = await trainDir(models[0][1]);
    const dec = await loadDecoder({ trainDir: dir, backend: "cpu", maxTokens: 8, pageSize: 4 });
    expect(() => dec.add([1, V, 2], { maxTokens: 1 })).toThrow(`decoder: prompt token 1 is ${V}. Hint: ids are integers in 0..${V - 1}`);
    expect(() => dec.add(toks(T + 1, 1), { maxTokens: 1 })).toThrow(`decoder: the prompt has ${T + 1} tokens, more than the context of ${T}. Hint: left-truncate it to its last ${T} tokens`);
    expect(() => dec.add([1], { maxTokens: 0 })).toThrow("decoder: maxTokens is 0. Hint: ask for at least 1 token");
    expect(() => dec.add([], { maxTokens: 1 })).toThrow("decoder: the prompt is empty and the eot id is unknown");
    expect(() => dec.add(toks(6, 1), { maxTokens: 4 })).toThrow("decoder: the request needs 3 pages of 4 positions, the pool has 2. Hint: raise maxTokens of loadDecoder to at least 12");
    await dec.close();
    expect(() => dec.add([1], { maxTokens: 1 })).toThrow("decoder: the decoder is closed");
  });

  test("refuses a recurrent model, pointing at the scorer", async () => {
    const dir = await trainDir({ kind: "rnn", cell: "gru", n_layer: 1, hidden: 8, context: T });
    await expect(loadDecoder({ trainDir: dir, backend: "cpu" })).rejects.toThrow('decoder: model kind "rnn"');
  });

  test("keeps working when another caller's async tidy() on the same device closes around its load and steps", async () => {
    const dev = await getDevice({ backend: "cpu" });
    const dir = await trainDir(models[1][1]);
    let release = (): void => {};
    const gate = new Promise<void>((r) => (release = r));
    const other = dev.tidy(async () => {
      dev.zeros([3]);
      await gate;
    });
    const dec = await loadDecoder({ trainDir: dir, device: dev, pageSize: 4 });
    const first = await dec.generate(toks(5, 1), { maxTokens: 4 });
    release();
    await other; // disposes what was made inside its scope: none of it is the decoder's
    expect(await dec.generate(toks(5, 1), { maxTokens: 4 })).toEqual(first);
    await dec.close();
  });
});
