// Training under µP on the CPU backend: at its base width it is the standard model step for step; away from it
// the hidden weights move lr·base/width per Adam step while the rest move lr, and runs still resume exactly.
import { describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { backward, getDevice, ops, testDevice, zeroGrad } from "@lathe/gpu";
import { resolveModelConfig } from "../config.ts";
import { bytePackDir, PANGRAMS } from "../fixtures.ts";
import { readSafetensors } from "../io/safetensors.ts";
import { buildModel } from "../nn/model.ts";
import { MetricsLog } from "../train/metrics.ts";
import { AdamW } from "../train/optimizer.ts";
import { forwardLoss, SimulatedCrash, trainModel } from "../train/trainer.ts";

/** The WebGPU device, or null (testDevice printed why) — WebGPU tests skip without one. */
const gpu = await testDevice();

const pack = bytePackDir(PANGRAMS.repeat(20), PANGRAMS.repeat(3));
const tiny = { kind: "gpt", n_layer: 2, n_head: 2, d_model: 16, context: 16, dropout: 0.1 };
const train = { backend: "cpu", batch_size: 4, steps: 12, warmup_steps: 2, lr: 3e-3, weight_decay: 0.1, eval_every: 5, eval_batches: 2, checkpoint_every: 4, checkpoint_minutes: 0, grad_accum: 2 };
const dirs = () => ({ outDir: mkdtempSync(join(tmpdir(), "lathe-out-")), scratchDir: mkdtempSync(join(tmpdir(), "lathe-scratch-")) });
const lossCurve = (scratch: string) => new MetricsLog(join(scratch, "metrics.jsonl")).read().filter((l) => "loss" in l).map((l) => l.loss);
const weights = (outDir: string) => readSafetensors(join(outDir, "model.safetensors")).tensors;

describe("µP training", () => {
  test.each([
    ["base_width 0", { base_width: 0 }],
    ["base_width == d_model", { base_width: 16 }],
    ["base_width == d_model, untied", { base_width: 16, tie_embeddings: false }],
  ])("at its base width (%s) gives exactly the standard loss curve and weights", async (_, extra) => {
    const [std, mup] = [dirs(), dirs()];
    const a = await trainModel({ model: { ...tiny, ...extra, parametrization: "standard" }, train, seed: 4, packDir: pack, ...std });
    const b = await trainModel({ model: { ...tiny, ...extra, parametrization: "mup" }, train, seed: 4, packDir: pack, ...mup });
    expect(lossCurve(mup.scratchDir)).toHaveLength(12);
    expect(lossCurve(mup.scratchDir)).toEqual(lossCurve(std.scratchDir));
    expect(b.val_loss).toBe(a.val_loss);
    const wb = weights(mup.outDir);
    for (const [k, t] of weights(std.outDir)) expect(wb.get(k)!.data).toEqual(t.data);
  });

  test("away from its base width learns, differs from standard, and says so in the log", async () => {
    const [std, mup] = [dirs(), dirs()];
    const lines: string[] = [];
    const model = { ...tiny, d_model: 32, base_width: 8 };
    const hot = { ...train, lr: 1e-2 }; // the lr tuned at the base width: hidden weights get a quarter of it
    const a = await trainModel({ model: { ...model, parametrization: "standard" }, train: hot, seed: 4, packDir: pack, ...std });
    const b = await trainModel({ model: { ...model, parametrization: "mup" }, train: hot, seed: 4, packDir: pack, ...mup, log: (l) => lines.push(l) });
    const curve = lossCurve(mup.scratchDir);
    expect(curve.at(-1)!).toBeLessThan(curve[0] - 0.5);
    expect(b.val_loss).not.toBe(a.val_loss);
    expect(lines).toContain("µP: width 32 = 4 × base 8: hidden init ×0.5, hidden lr ×0.25, logits ×0.25, attention scores ×0.5 (1/D)");
  });

  test("away from its base width resumes after a crash with exactly the loss curve of an uninterrupted run", async () => {
    const model = { ...tiny, d_model: 32, base_width: 8, parametrization: "mup" };
    const whole = dirs();
    await trainModel({ model, train, seed: 3, packDir: pack, ...whole });
    const cut = dirs();
    await expect(trainModel({ model, train, seed: 3, packDir: pack, ...cut, crashAfterStep: 7 })).rejects.toBeInstanceOf(SimulatedCrash);
    const resumed = await trainModel({ model, train, seed: 3, packDir: pack, ...cut });
    expect(resumed.resumed_from).toBe(4);
    expect(lossCurve(cut.scratchDir)).toEqual(lossCurve(whole.scratchDir));
    const w = weights(cut.outDir);
    for (const [k, t] of weights(whole.outDir)) expect(w.get(k)!.data).toEqual(t.data);
  });

  test.skipIf(gpu === null)("away from its base width follows the CPU loss curve on WebGPU (two lr groups, two param buffers)", async () => {
    const model = { ...tiny, d_model: 32, base_width: 8, parametrization: "mup", dropout: 0 };
    const [cpu, web] = [dirs(), dirs()];
    await trainModel({ model, train, seed: 2, packDir: pack, ...cpu });
    await trainModel({ model, train: { ...train, backend: "webgpu" }, seed: 2, packDir: pack, ...web, device: gpu! });
    const [a, b] = [lossCurve(cpu.scratchDir), lossCurve(web.scratchDir)];
    expect(b).toHaveLength(12);
    b.forEach((l, i) => expect(Math.abs(l - a[i])).toBeLessThan(1e-3));
  }, 120_000);

  test("moves hidden weights by lr·base/width on the first Adam step, and everything else by lr", async () => {
    const dev = await getDevice({ backend: "cpu" });
    const m = buildModel(dev, resolveModelConfig({ ...tiny, d_model: 32, base_width: 8, parametrization: "mup", tie_embeddings: false, dropout: 0 }, 257), 1);
    const before = new Map(await Promise.all(m.params.list.map(async (p) => [p.name, Float32Array.from((await p.tensor.read()) as Float32Array)] as const)));
    const x = Int32Array.from({ length: 32 }, (_, i) => PANGRAMS.charCodeAt(i));
    const y = Int32Array.from({ length: 32 }, (_, i) => PANGRAMS.charCodeAt(i + 1));
    dev.tidy(() => backward(forwardLoss(dev, m, { x, y }, true, 0)));
    const lr = 1e-2;
    new AdamW(m.params.list, { beta1: 0.9, beta2: 0.95, eps: 1e-12, weightDecay: 0 }).update(lr);
    zeroGrad(m.params.list.map((p) => p.tensor));
    // The first bias-corrected Adam step is lr·sign(g) wherever g is not 0: the largest move is the param's lr.
    for (const p of m.params.list) {
      const after = (await p.tensor.read()) as Float32Array;
      const moved = after.reduce((mx, v, i) => Math.max(mx, Math.abs(v - before.get(p.name)![i])), 0);
      expect({ name: p.name, moved: Number((moved / lr).toFixed(3)) }).toEqual({ name: p.name, moved: p.name.startsWith("h.") && p.name.endsWith("weight") && !p.name.includes("ln_") ? 0.25 : 1 });
    }
  });

  test("decays hidden weights by lr·wd per step, as every other decayed weight (their wd is scaled up as their lr down)", async () => {
    const dev = await getDevice({ backend: "cpu" });
    const m = buildModel(dev, resolveModelConfig({ ...tiny, d_model: 32, base_width: 8, parametrization: "mup", tie_embeddings: false, dropout: 0 }, 257), 1);
    const before = new Map(await Promise.all(m.params.list.map(async (p) => [p.name, Float32Array.from((await p.tensor.read()) as Float32Array)] as const)));
    const x = Int32Array.from({ length: 32 }, (_, i) => PANGRAMS.charCodeAt(i));
    dev.tidy(() => backward(ops.scale(forwardLoss(dev, m, { x, y: x }, true, 0), 0))); // every grad 0: only decay moves
    new AdamW(m.params.list, { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1 }).update(1e-2);
    for (const name of ["h.0.attn.c_attn.weight", "h.1.mlp.c_proj.weight", "lm_head.weight", "wte.weight", "ln_f.weight"]) {
      const after = (await m.params.get(name)!.tensor.read()) as Float32Array;
      const i = before.get(name)!.findIndex((v) => Math.abs(v) > 1e-3);
      expect({ name, ratio: Number((after[i] / before.get(name)![i]).toFixed(6)) }).toEqual({ name, ratio: m.params.get(name)!.decay ? 0.999 : 1 });
    }
  });
});
