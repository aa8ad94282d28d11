// Trainer behaviour on the CPU backend with tiny models: initial loss, learning, determinism, exact resume,
// budgets, and the artifacts it writes.
import { describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { backward, getDevice, zeroGrad } from "@lathe/gpu";
import { resolveModelConfig } from "../config.ts";
import { bytePackDir, PANGRAMS } from "../fixtures.ts";
import { readSafetensors } from "../io/safetensors.ts";
import { buildModel } from "../nn/model.ts";
import { MetricsLog } from "./metrics.ts";
import { AdamW } from "./optimizer.ts";
import { SimulatedCrash, forwardLoss, trainModel } from "./trainer.ts";
import { NonFiniteError } from "../errors.ts";

const pack = bytePackDir(PANGRAMS.repeat(20), PANGRAMS.repeat(3));
const tinyGpt = { kind: "gpt", n_layer: 2, n_head: 2, d_model: 16, context: 16, dropout: 0.1 };
const tinyLstm = { kind: "rnn", cell: "lstm", n_layer: 1, hidden: 16, context: 16, dropout: 0.1 };
const train = { backend: "cpu", batch_size: 4, steps: 12, warmup_steps: 2, lr: 3e-3, eval_every: 5, eval_batches: 2, checkpoint_every: 4, checkpoint_minutes: 0, grad_accum: 2 };
const dirs = () => ({ outDir: mkdtempSync(join(tmpdir(), "lathe-out-")), scratchDir: mkdtempSync(join(tmpdir(), "lathe-scratch-")) });
const lossCurve = (scratch: string) => new MetricsLog(join(scratch, "metrics.jsonl")).read().filter((l) => "loss" in l).map((l) => l.loss);

describe.each([["gpt", tinyGpt], ["lstm", tinyLstm]] as const)("training a tiny %s", (_, model) => {
  test("starts at a loss near ln(vocab)", async () => {
    const dev = await getDevice({ backend: "cpu" });
    const m = buildModel(dev, resolveModelConfig(model, 257), 1);
    const inputs = Int32Array.from({ length: 64 }, (_, i) => PANGRAMS.charCodeAt(i));
    const targets = Int32Array.from({ length: 64 }, (_, i) => PANGRAMS.charCodeAt(i + 1));
    const loss = (await forwardLoss(dev, m, { x: inputs, y: targets }, false, 0).read())[0];
    expect(Math.abs(loss - Math.log(257))).toBeLessThan(0.1);
  });

  test("overfits one batch to a loss near zero", async () => {
    const dev = await getDevice({ backend: "cpu" });
    const m = buildModel(dev, resolveModelConfig({ ...model, dropout: 0, ...(model.kind === "rnn" ? { hidden: 64 } : {}) }, 257), 1);
    const opt = new AdamW(m.params.list, { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0 });
    const inputs = Int32Array.from({ length: 32 }, (_, i) => PANGRAMS.charCodeAt(i));
    const targets = Int32Array.from({ length: 32 }, (_, i) => PANGRAMS.charCodeAt(i + 1));
    let last = Infinity;
    for (let s = 0; s < 200; s++) {
      const loss = dev.tidy(() => {
        const l = forwardLoss(dev, m, { x: inputs, y: targets }, true, s);
        backward(l);
        return l;
      });
      last = (await loss.read())[0];
      loss.dispose();
      opt.update(model.kind === "rnn" ? 3e-2 : 1e-2);
      zeroGrad(m.params.list.map((p) => p.tensor));
    }
    expect(last).toBeLessThan(0.05);
  });

  test("gives the identical loss curve for the same seed, and a different one for another seed", async () => {
    const [a, b, c] = [dirs(), dirs(), dirs()];
    await trainModel({ model, train, seed: 5, packDir: pack, ...a });
    await trainModel({ model, train, seed: 5, packDir: pack, ...b });
    await trainModel({ model, train, seed: 6, packDir: pack, ...c });
    expect(lossCurve(a.scratchDir)).toHaveLength(12);
    expect(lossCurve(b.scratchDir)).toEqual(lossCurve(a.scratchDir));
    expect(lossCurve(c.scratchDir)).not.toEqual(lossCurve(a.scratchDir));
  });

  test("resumes after a crash with exactly the loss curve of an uninterrupted run", async () => {
    const whole = dirs();
    const full = await trainModel({ model, train, seed: 3, packDir: pack, ...whole });
    const cut = dirs();
    await expect(trainModel({ model, train, seed: 3, packDir: pack, ...cut, crashAfterStep: 7 })).rejects.toBeInstanceOf(SimulatedCrash);
    const resumed = await trainModel({ model, train, seed: 3, packDir: pack, ...cut });
    expect(resumed.resumed_from).toBe(4); // last checkpoint before the crash
    expect(lossCurve(cut.scratchDir)).toEqual(lossCurve(whole.scratchDir));
    expect(resumed.val_loss).toBe(full.val_loss);
    const w1 = readSafetensors(join(whole.outDir, "model.safetensors")).tensors;
    const w2 = readSafetensors(join(cut.outDir, "model.safetensors")).tensors;
    for (const [k, t] of w1) expect(w2.get(k)!.data).toEqual(t.data);
  });
});

describe("a training run", () => {
  test("learns, and writes model.safetensors, config.json, metrics.jsonl and summary.json", async () => {
    const d = dirs();
    const s = await trainModel({ model: tinyGpt, train: { ...train, steps: 40, lr: 1e-2 }, seed: 1, packDir: pack, ...d });
    for (const f of ["model.safetensors", "config.json", "metrics.jsonl", "summary.json"]) expect(existsSync(join(d.outDir, f))).toBe(true);
    expect(s.val_loss!).toBeLessThan(Math.log(257) - 1.5);
    expect(s.val_bpb!).toBeCloseTo(s.val_loss! / Math.LN2, 5); // byte-level: one token per byte
    const summary = JSON.parse(readFileSync(join(d.outDir, "summary.json"), "utf8"));
    expect(summary.steps).toBe(40);
    const evals = new MetricsLog(join(d.outDir, "metrics.jsonl")).read().filter((l) => "val_loss" in l);
    expect(evals.map((l) => l.step)).toEqual([5, 10, 15, 20, 25, 30, 35, 40]);
  });

  test.each([
    [{ tokens: 4 * 16 * 2 * 3 }, "tokens", "tokens 384"],
    [{ time_budget: "1ms" }, "time_budget", "time_budget 1ms"],
  ])("stops cleanly at a budget %o and records the steps it reached of those planned", async (budget, by, said) => {
    const d = dirs();
    const lines: string[] = [];
    const s = await trainModel({ model: tinyGpt, train: { ...train, ...budget }, seed: 1, packDir: pack, ...d, log: (l) => lines.push(l) });
    expect(s.stopped_by as string).toBe(by);
    if (by === "tokens") expect(s.steps).toBe(3);
    expect(s.steps).toBeLessThan(12);
    expect(s.planned_steps).toBe(12);
    const summary = JSON.parse(readFileSync(join(d.outDir, "summary.json"), "utf8"));
    expect([summary.steps, summary.planned_steps, summary.stopped_by]).toEqual([s.steps, 12, by]);
    expect(lines.find((l) => l.startsWith("done:"))).toStartWith(`done: ${s.steps} of 12 steps (stopped by ${said}),`);
    if (by === "time_budget") expect(lines).toContain(`time budget 1ms spent at step ${s.steps} of 12: stopping and saving (the steps reached depend on this machine's speed)`);
    expect(existsSync(join(d.outDir, "model.safetensors"))).toBe(true);
  });

  test("a run that reaches its steps says so", async () => {
    const s = await trainModel({ model: tinyGpt, train: { ...train, steps: 3 }, seed: 1, packDir: pack, ...dirs() });
    expect([s.steps, s.planned_steps, s.stopped_by]).toEqual([3, 3, "steps"]);
  });
});

describe("the backend a run records", () => {
  test("backend cpu is recorded as asked, with no adapter and no fallback", async () => {
    const d = dirs();
    await trainModel({ model: tinyGpt, train: { ...train, steps: 2 }, seed: 1, packDir: pack, ...d });
    const summary = JSON.parse(readFileSync(join(d.outDir, "summary.json"), "utf8"));
    expect([summary.backend, summary.backend_requested, summary.adapter, summary.fallback]).toEqual(["cpu", "cpu", null, null]);
  });

  test("auto without a usable adapter trains on the CPU, says so in the log, and records the fallback", async () => {
    const before = process.env.LATHE_ADAPTER;
    process.env.LATHE_ADAPTER = "no-such-adapter-for-this-test"; // matches no adapter, so WebGPU fails on any machine
    try {
      const d = dirs();
      const lines: string[] = [];
      await trainModel({ model: tinyGpt, train: { ...train, steps: 2, backend: "auto" }, seed: 1, packDir: pack, ...d, log: (l) => lines.push(l) });
      const summary = JSON.parse(readFileSync(join(d.outDir, "summary.json"), "utf8"));
      expect([summary.backend, summary.backend_requested, summary.adapter]).toEqual(["cpu", "auto", null]);
      expect(summary.fallback).toStartWith("no WebGPU adapter found");
      const at = lines.indexOf("no WebGPU adapter: training on the CPU reference backend (slow)");
      expect(at).toBeGreaterThan(0);
      expect(lines[at - 1]).toStartWith("webgpu: no WebGPU adapter found");
      expect(lines.find((l) => l.startsWith("done:"))).toStartWith("done: 2 of 2 steps on the CPU (no WebGPU adapter),");
    } finally {
      if (before === undefined) delete process.env.LATHE_ADAPTER;
      else process.env.LATHE_ADAPTER = before;
    }
  });
});

describe("a failing run", () => {
  test("stops on a non-finite loss with the step and keeps the last good checkpoint", async () => {
    const d = dirs();
    const run = trainModel({ model: { ...tinyGpt, init_std: 1e30 }, train, seed: 1, packDir: pack, ...d });
    await expect(run).rejects.toBeInstanceOf(NonFiniteError);
    await expect(trainModel({ model: { ...tinyGpt, init_std: 1e30 }, train, seed: 1, packDir: pack, ...d })).rejects.toThrow(
      /^training diverged at step 1: loss is NaN\. No checkpoint was written yet\. Hint: lower train\.lr/,
    );
    expect(existsSync(join(d.outDir, "model.safetensors"))).toBe(false);
  });

  test("saves a checkpoint when aborted, and the next run resumes from it", async () => {
    const d = dirs();
    const ac = new AbortController();
    const run = trainModel({ model: tinyGpt, train, seed: 2, packDir: pack, ...d, signal: ac.signal, progress: (p) => p.done === 3 && ac.abort(new Error("stop")) });
    await expect(run).rejects.toThrow("stop");
    const resumed = await trainModel({ model: tinyGpt, train, seed: 2, packDir: pack, ...d });
    expect(resumed.resumed_from).toBe(3);
    expect(resumed.steps).toBe(12);
  });

  test("an abort from a timer (as Ctrl-C sends) stops CPU training between steps", async () => {
    const d = dirs();
    const ac = new AbortController();
    let steps = 0;
    const run = trainModel({ model: tinyGpt, train: { ...train, steps: 100_000 }, seed: 3, packDir: pack, ...d, signal: ac.signal, progress: (p) => (steps = p.done) });
    setImmediate(() => ac.abort(new Error("interrupted")));
    await expect(run).rejects.toThrow("interrupted");
    expect(steps).toBeLessThan(100_000);
  });
});
