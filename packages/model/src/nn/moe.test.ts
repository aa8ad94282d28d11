// Mixture-of-experts layers on the CPU backend: one expert with top_k 1 trains exactly like the dense model, the
// gradients of cross-entropy plus the auxiliary losses match finite differences, the losses and statistics a
// training forward records, the checkpoint names, and a whole training run; on WebGPU (lavapipe in CI; skipped
// without an adapter), the forward matches the host reference and the gradients the CPU backend's.
// Run: bun test src/nn/moe.test.ts
import { describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { backward, type Device, getDevice, noGrad, ops, type Tensor, testDevice, zeroGrad } from "@lathe/gpu";
import { resolveModelConfig } from "../config.ts";
import { HostModel } from "../infer/host-model.ts";
import { tensorsOf } from "../train/checkpoint.ts";
import { bytePackDir, PANGRAMS } from "../fixtures.ts";
import { readSafetensors } from "../io/safetensors.ts";
import { normalArray } from "../rng.ts";
import { auxLoss, auxMetrics } from "../train/aux.ts";
import { AdamW } from "../train/optimizer.ts";
import { forwardLoss, trainModel } from "../train/trainer.ts";
import { buildModel, type LanguageModel } from "./model.ts";

const V = 29;
const B = 2;
const T = 6;
const tiny = { kind: "gpt", n_layer: 2, n_head: 2, d_model: 16, context: T, dropout: 0 };
const batch = {
  x: Int32Array.from({ length: B * T }, (_, i) => (i * 5 + 3) % V),
  y: Int32Array.from({ length: B * T }, (_, i) => (i * 7 + 1) % V),
};

/** Cross-entropy and the auxiliary objective of one training forward (the trainer adds the two). */
function objective(dev: Device, model: LanguageModel, train = true): { ce: Tensor; total: Tensor } {
  const ce = forwardLoss(dev, model, batch, train, 1);
  const aux = auxLoss(model);
  return { ce, total: aux ? ops.add(ce, aux) : ce };
}

/** The cross-entropy of each of `steps` AdamW steps on one batch, the objective with the auxiliary losses. */
async function lossCurve(dev: Device, model: LanguageModel, steps: number): Promise<number[]> {
  const opt = new AdamW(model.params.list, { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1 });
  const out: number[] = [];
  for (let s = 0; s < steps; s++) {
    const ce = dev.tidy(() => {
      const { ce, total } = objective(dev, model);
      backward(total);
      return ce;
    });
    out.push((await ce.read())[0]!);
    ce.dispose();
    opt.update(1e-2);
    zeroGrad(model.params.list.map((p) => p.tensor));
  }
  return out;
}

describe("a mixture of experts", () => {
  test("with one expert and top_k 1 gives the dense model's loss curve", async () => {
    const dev = await getDevice({ backend: "cpu" });
    const dense = buildModel(dev, resolveModelConfig(tiny, V), 3);
    const moe = buildModel(dev, resolveModelConfig({ ...tiny, moe: { experts: 1, top_k: 1, every: 1 } }, V), 3);
    // The same function: the experts' weights are the dense MLPs' (one expert: (1,C,F) holds the (C,F) matrix).
    for (const p of dense.params.list) {
      const q = moe.params.get(p.name.replace(".mlp.", ".moe.experts."))!;
      expect(q.shape.reduce((a, b) => a * b, 1)).toBe(p.tensor.size);
      q.tensor.write(await p.tensor.read());
    }
    const a = await lossCurve(dev, dense, 6);
    const b = await lossCurve(dev, moe, 6);
    expect(a[5]).toBeLessThan(a[0]! - 0.1); // it learns
    a.forEach((l, i) => expect(b[i]).toBeCloseTo(l, 5));
  });

  test.each([
    ["softmax-routed gelu experts", { experts: 4, top_k: 2, capacity_factor: 2, aux_loss: 0.5, z_loss: 0.1 }],
    ["sigmoid-routed swiglu experts with a shared expert", { experts: 3, top_k: 1, capacity_factor: 3, router: "sigmoid", shared_experts: 1, aux_loss: 0.5, z_loss: 0.1 }],
  ])("of %s has the gradients of its objective (cross-entropy and auxiliary losses)", async (_, moe) => {
    const dev = await getDevice({ backend: "cpu" });
    const mlp = "router" in moe ? "swiglu" : "gelu";
    // init_std 0.1: router logits far enough apart that ±eps never changes a token's experts (a jump, not a slope)
    const model = buildModel(dev, resolveModelConfig({ ...tiny, d_model: 8, init_std: 0.1, mlp, moe: { ...moe, every: 1 } }, V), 7);
    backward(objective(dev, model).total);
    const params = model.params.list;
    const theta = await Promise.all(params.map(async (p) => (await p.tensor.read()) as Float32Array));
    const grads = await Promise.all(params.map(async (p) => (await p.tensor.grad!.read()) as Float32Array));
    const router = params.findIndex((p) => p.name === "h.0.moe.router.weight");
    expect(grads[router]!.some((g) => Math.abs(g) > 1e-4)).toBe(true); // the gates and the auxiliary losses reach the router
    const lossAt = async (dirs: Float32Array[], eps: number): Promise<number> => {
      params.forEach((p, i) => p.tensor.write(theta[i]!.map((v, j) => v + eps * dirs[i]![j]!)));
      return (await noGrad(() => objective(dev, model).total).read())[0]!;
    };
    // One unit direction per tensor (not one over all of them at once: that moves the router logits so far that
    // some token changes experts, and the loss jumps).
    for (const [i, p] of params.entries()) {
      const d = normalArray(p.tensor.size, 1, 100 + i);
      const norm = Math.hypot(...d);
      const dirs = params.map((q, j) => (j === i ? d.map((v) => v / norm) : new Float32Array(q.tensor.size)));
      const analytic = grads[i]!.reduce((s, g, j) => s + g * dirs[i]![j]!, 0);
      const eps = 1e-3;
      const numeric = ((await lossAt(dirs, eps)) - (await lossAt(dirs, -eps))) / (2 * eps);
      expect({ name: p.name, diff: Math.abs(numeric - analytic) < 1e-3 + 2e-2 * Math.abs(analytic) }).toEqual({ name: p.name, diff: true });
    }
  });

  test("records its weighted auxiliary losses and statistics in training, and nothing in evaluation", async () => {
    const dev = await getDevice({ backend: "cpu" });
    const moe = { experts: 2, top_k: 1, every: 1, capacity_factor: 0.25, aux_loss: 0.01, z_loss: 0.001 };
    const model = buildModel(dev, resolveModelConfig({ ...tiny, moe }, V), 5);
    noGrad(() => objective(dev, model, false));
    expect(auxLoss(model)).toBeNull();
    expect(await auxMetrics(model)).toEqual({});

    const aux = (await noGrad(() => auxLoss((forwardLoss(dev, model, batch, true, 1), model))!).read())[0]!;
    noGrad(() => forwardLoss(dev, model, batch, true, 2));
    const m = await auxMetrics(model);
    expect(Object.keys(m).sort()).toEqual(["moe_aux_loss", "moe_balance", "moe_dropped", "moe_frac_0", "moe_frac_1", "moe_z_loss"]);
    expect(m.moe_frac_0! + m.moe_frac_1!).toBeCloseTo(1, 6);
    expect(m.moe_aux_loss).toBeCloseTo(0.01 * m.moe_balance!, 6);
    expect(m.moe_aux_loss! + m.moe_z_loss!).toBeCloseTo(aux, 5); // both forwards saw the same batch
    // capacity ceil(0.25 · 12 / 2) = 2 slots per expert: at most 4 of the 12 tokens are kept
    expect(m.moe_dropped).toBeGreaterThanOrEqual(8 / 12 - 1e-6);
    expect(await auxMetrics(model)).toEqual({}); // read once
    expect(auxLoss(buildModel(dev, resolveModelConfig(tiny, V), 5))).toBeNull();
  });

  test("stores the router and each stacked expert weight as its own tensor, next to the dense blocks' names", async () => {
    const dev = await getDevice({ backend: "cpu" });
    const cfg = resolveModelConfig({ ...tiny, mlp: "swiglu", moe: { experts: 4, top_k: 2, shared_experts: 2 } }, V);
    const names = buildModel(dev, cfg, 1).params.list.filter((p) => p.name.startsWith("h.")).map((p) => `${p.name} [${p.shape}]`);
    expect(names).toEqual([
      "h.0.ln_1.weight [16]", "h.0.ln_1.bias [16]",
      "h.0.attn.c_attn.weight [16,48]", "h.0.attn.c_attn.bias [48]", "h.0.attn.c_proj.weight [16,16]", "h.0.attn.c_proj.bias [16]",
      "h.0.ln_2.weight [16]", "h.0.ln_2.bias [16]",
      "h.0.mlp.c_fc.weight [16,64]", "h.0.mlp.c_fc.bias [64]", "h.0.mlp.c_up.weight [16,64]", "h.0.mlp.c_up.bias [64]", "h.0.mlp.c_proj.weight [64,16]", "h.0.mlp.c_proj.bias [16]",
      "h.1.ln_1.weight [16]", "h.1.ln_1.bias [16]",
      "h.1.attn.c_attn.weight [16,48]", "h.1.attn.c_attn.bias [48]", "h.1.attn.c_proj.weight [16,16]", "h.1.attn.c_proj.bias [16]",
      "h.1.ln_2.weight [16]", "h.1.ln_2.bias [16]",
      "h.1.moe.router.weight [16,4]",
      "h.1.moe.experts.c_fc.weight [4,16,64]", "h.1.moe.experts.c_fc.bias [4,64]",
      "h.1.moe.experts.c_up.weight [4,16,64]", "h.1.moe.experts.c_up.bias [4,64]",
      "h.1.moe.experts.c_proj.weight [4,64,16]", "h.1.moe.experts.c_proj.bias [4,16]",
      "h.1.moe.shared.c_fc.weight [16,128]", "h.1.moe.shared.c_fc.bias [128]",
      "h.1.moe.shared.c_up.weight [16,128]", "h.1.moe.shared.c_up.bias [128]",
      "h.1.moe.shared.c_proj.weight [128,16]", "h.1.moe.shared.c_proj.bias [16]",
    ]);
  });

  test("trains in the trainer and saves its experts in model.safetensors; the log gives active parameters", async () => {
    const outDir = mkdtempSync(join(tmpdir(), "lathe-out-"));
    const lines: string[] = [];
    const s = await trainModel({
      model: { ...tiny, context: 16, moe: { experts: 4, top_k: 2 } },
      train: { backend: "cpu", batch_size: 2, steps: 3, eval_every: 0, eval_batches: 1, checkpoint_every: 0 },
      seed: 1, packDir: bytePackDir(PANGRAMS.repeat(4), PANGRAMS), outDir, scratchDir: mkdtempSync(join(tmpdir(), "lathe-scratch-")),
      log: (l) => lines.push(l),
    });
    expect(Number.isFinite(s.train_loss)).toBe(true);
    const w = readSafetensors(join(outDir, "model.safetensors")).tensors;
    expect(w.get("h.1.moe.experts.c_fc.weight")?.shape).toEqual([4, 16, 64]);
    expect(w.get("h.1.moe.router.weight")?.shape).toEqual([16, 4]);
    expect(w.has("h.1.mlp.c_fc.weight")).toBe(false);
    expect(lines.join("\n")).toMatch(/mixture of experts: 1 layer of 4 experts, top 2; active params [0-9.]+K \([0-9,]+\) per token; capacity 20 per expert at B\*T=32/);
  });
});

/** The WebGPU device, or null (testDevice printed why): the tests below skip without one. */
const gpu = await testDevice();

describe("on WebGPU, a mixture of experts", () => {
  // init_std 0.1: router logits apart enough that both backends pick the same experts for every token
  const section = { ...tiny, init_std: 0.1, mlp: "swiglu", moe: { experts: 4, top_k: 2, every: 1, capacity_factor: 1, shared_experts: 1, aux_loss: 0.5, z_loss: 0.1 } };

  test.skipIf(gpu === null)("matches the host reference position by position in evaluation", async () => {
    const cfg = resolveModelConfig(section, V);
    const model = buildModel(gpu!, cfg, 9);
    const logits = (await noGrad(() => model.forward(gpu!.tensor(batch.x.slice(0, T), [1, T]), { train: false, seed: 0, site: 0 })).read()) as Float32Array; // (T,V)
    const host = new HostModel(cfg, await tensorsOf(model.params.list));
    for (let t = 0; t < T; t++) {
      const row = host.step(batch.x[t]!);
      for (let v = 0; v < V; v++) expect(row[v]).toBeCloseTo(logits[t * V + v]!, 4);
    }
  });

  test.skipIf(gpu === null)("has the CPU backend's objective and gradients in training (capacity drops included)", async () => {
    const cfg = resolveModelConfig(section, V);
    const run = async (dev: Device) => {
      const model = buildModel(dev, cfg, 9);
      const { total } = objective(dev, model);
      backward(total);
      const grads = await Promise.all(model.params.list.map(async (p) => [p.name, (await p.tensor.grad!.read()) as Float32Array] as const));
      return { loss: (await total.read())[0]!, grads, stats: await auxMetrics(model) };
    };
    const cpu = await run(await getDevice({ backend: "cpu" }));
    const web = await run(gpu!);
    expect(web.loss).toBeCloseTo(cpu.loss, 4);
    expect(cpu.stats.moe_dropped).toBeGreaterThan(0); // capacity 1 drops some assignments of an uneven router
    for (const [k, v] of Object.entries(cpu.stats)) expect({ k, v: web.stats[k]! }).toEqual({ k, v: expect.closeTo(v, 4) });
    web.grads.forEach(([name, g], i) => {
      const ref = cpu.grads[i]![1];
      const scale = Math.max(1e-3, ...ref.map(Math.abs));
      const worst = Math.max(...g.map((x, j) => Math.abs(x - ref[j]!)));
      expect({ name, close: worst < 1e-3 * scale }).toEqual({ name, close: true });
    });
  });
});
