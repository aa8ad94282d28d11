// Flattened parameters: one buffer for params, one for grads, AdamW per group and the grad norm as one reduction.
import { expect, test } from "bun:test";
import { backward, zeroGrad } from "./autograd.ts";
import { flattenParams, gradSlot } from "./flat.ts";
import { getDevice } from "./get-device.ts";
import { ops } from "./ops/index.ts";
import { adamw, adamwState, gradNormSquared } from "./optim.ts";
import type { Device, Tensor } from "./tensor.ts";
import { testDevice } from "./testing.ts";

const cpu = await getDevice({ backend: "cpu" });
const gpu = await testDevice();
const devices: [string, Device | null][] = [["cpu", cpu], ["webgpu", gpu]];

/** A tiny model: embedding table (tied as the head), a linear with bias, a layer-norm gain and bias, a position table. */
function model(dev: Device) {
  const p = (shape: number[], seed: number, name: string, std = 0.5): Tensor => dev.randn(shape, std, seed, { requiresGrad: true, name });
  const wte = p([11, 8], 1, "wte");
  const w = p([8, 8], 2, "w");
  const b = p([8], 3, "b");
  const lnw = p([8], 4, "lnw", 0.1);
  const lnb = p([8], 5, "lnb", 0.1);
  const wpe = p([5, 8], 6, "wpe");
  const params = [wte, w, b, lnw, lnb, wpe];
  const decay = [0, 0.1, 0, 0, 0, 0];
  /** Forward and backward of one batch; the loss tensor is disposed. */
  const step = (ids: Int32Array): void =>
    dev.tidy(() => {
      let x = ops.add(ops.embedding(dev.tensor(ids, [1, 5]), wte), wpe);
      x = ops.layerNorm(ops.matmul(x, w, { bias: b }), lnw, lnb);
      const logits = ops.matmul(ops.reshape(x, [5, 8]), wte, { transB: true });
      backward(ops.crossEntropy(logits, dev.tensor(targets, [5])));
    });
  return { params, decay, step };
}

const ids = Int32Array.of(1, 4, 2, 9, 4);
const targets = Int32Array.of(4, 2, 9, 4, 1);
const ids2 = Int32Array.of(3, 3, 7, 0, 10);

/** Three AdamW steps with clipping (two micro-batches each); returns the params and the grad norms. */
async function train(dev: Device, flat: boolean): Promise<{ params: Float32Array[]; norms: number[] }> {
  const m = model(dev);
  if (flat) flattenParams(m.params, (i) => (m.decay[i] > 0 ? 0 : 1));
  const st = adamwState(m.params);
  const norms: number[] = [];
  for (let s = 0; s < 3; s++) {
    for (const x of [ids, ids2]) m.step(x);
    const normSq = gradNormSquared(m.params)!;
    adamw(m.params, st, { lr: 0.05, weightDecay: m.decay }, { normSq, maxNorm: 1 });
    norms.push(Math.sqrt((await normSq.read())[0]));
    normSq.dispose();
    zeroGrad(m.params);
  }
  return { params: await Promise.all(m.params.map(async (p) => (await p.read()) as Float32Array)), norms };
}

test.each(devices)("on %s, flattened params train like separate ones (AdamW, clipping, accumulation, a tied table)", async (_name, dev) => {
  if (!dev) return console.log("skipping: no WebGPU adapter");
  const [sep, flat] = [await train(dev, false), await train(dev, true)];
  for (let s = 0; s < 3; s++) expect(flat.norms[s]).toBeCloseTo(sep.norms[s], 5);
  sep.params.forEach((p, i) => {
    for (let j = 0; j < p.length; j++) expect(Math.abs(flat.params[i][j] - p[j])).toBeLessThan(1e-5);
  });
});

test.each(devices)("on %s, backward leaves a flattened param's grad in its slot, and a second backward adds to it", async (_name, dev) => {
  if (!dev) return console.log("skipping: no WebGPU adapter");
  const m = model(dev);
  flattenParams(m.params);
  m.step(ids);
  const once = await Promise.all(m.params.map(async (p) => Array.from((await p.grad!.read()) as Float32Array)));
  for (const p of m.params) expect(p.grad).toBe(gradSlot(p)!);
  m.step(ids);
  for (const [i, p] of m.params.entries()) {
    const twice = (await p.grad!.read()) as Float32Array;
    once[i].forEach((g, j) => expect(twice[j]).toBeCloseTo(2 * g, 5));
  }
  zeroGrad(m.params);
  for (const p of m.params) {
    expect(p.grad).toBeNull();
    expect(gradSlot(p)!.disposed).toBe(false);
  }
});

test("flattening keeps values, pads each param to 256 bytes, and orders the arena by group", async () => {
  const m = model(cpu);
  const before = await Promise.all(m.params.map((p) => p.read()));
  const arena = flattenParams(m.params, (i) => (m.decay[i] > 0 ? 0 : 1));
  for (const [i, p] of m.params.entries()) expect(Array.from(await p.read())).toEqual(Array.from(before[i]));
  expect(arena.offsets.every((o) => o % 64 === 0)).toBe(true);
  expect(arena.groups.map((g) => g.members)).toEqual([[1], [0, 2, 3, 4, 5]]);
  expect(arena.offsets[1]).toBe(0);
  expect(() => flattenParams([m.params[0]])).toThrow(/already in an arena/);
});

test("on webgpu, the flat update is one AdamW dispatch per group and the grad norm one reduction", async () => {
  if (!gpu) return console.log("skipping: no WebGPU adapter");
  const m = model(gpu);
  flattenParams(m.params, (i) => (m.decay[i] > 0 ? 0 : 1));
  const st = adamwState(m.params);
  m.step(ids);
  const d0 = gpu.backend.stats!().dispatches;
  const normSq = gradNormSquared(m.params)!;
  adamw(m.params, st, { lr: 0.01, weightDecay: m.decay }, { normSq, maxNorm: 1 });
  expect(gpu.backend.stats!().dispatches - d0).toBe(1 + 2);
  normSq.dispose();
});
