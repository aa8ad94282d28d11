// AdamW: three fused WebGPU updates match the CPU reference.
import { expect, test } from "bun:test";
import { getDevice } from "../../get-device.ts";
import { adamw, adamwState, clipGradNorm, gradNormSquared } from "../../optim.ts";
import type { Device } from "../../tensor.ts";
import { testDevice } from "../../testing.ts";

const cpu = await getDevice({ backend: "cpu" });
const gpu = await testDevice();

/**
 * Three AdamW steps of a 1031-element param (seed) with fresh grads (seeds gradSeed..gradSeed+2); with maxNorm,
 * the grads (norm ~32: sd 1) are clipped inside the update kernel.
 */
async function run(dev: Device, seed: number, gradSeed: number, maxNorm?: number): Promise<Float32Array> {
  const p = dev.randn([1031], 1, seed, { requiresGrad: true });
  const st = adamwState([p]);
  for (let s = 0; s < 3; s++) {
    p.grad?.dispose();
    p.grad = dev.randn([1031], 1, gradSeed + s);
    const normSq = maxNorm === undefined ? null : gradNormSquared([p])!;
    adamw([p], st, { lr: 0.01, weightDecay: [0.1] }, normSq ? { normSq, maxNorm: maxNorm! } : null);
    normSq?.dispose();
  }
  return (await p.read()) as Float32Array;
}

test.each([
  ["three WebGPU AdamW steps match the CPU reference within 1e-6", 1, 10, undefined],
  ["AdamW with global-norm clipping folded in matches the CPU reference within 1e-6", 3, 20, 0.5],
] as const)("%s", async (_title, seed, gradSeed, maxNorm) => {
  if (!gpu) return console.log("skipping: no WebGPU adapter");
  const want = await run(cpu, seed, gradSeed, maxNorm);
  const got = await run(gpu, seed, gradSeed, maxNorm);
  for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-6 * Math.max(1, Math.abs(want[i])));
});

test("clipping inside AdamW equals clipping the grads first (CPU reference)", async () => {
  const a = cpu.randn([257], 1, 5, { requiresGrad: true });
  const b = cpu.randn([257], 1, 5, { requiresGrad: true });
  const [sa, sb] = [adamwState([a]), adamwState([b])];
  a.grad = cpu.randn([257], 1, 6);
  b.grad = cpu.randn([257], 1, 6);
  const normSq = gradNormSquared([a])!;
  adamw([a], sa, { lr: 0.01 }, { normSq, maxNorm: 0.25 });
  await clipGradNorm([b], 0.25);
  adamw([b], sb, { lr: 0.01 });
  const [x, y] = [(await a.read()) as Float32Array, (await b.read()) as Float32Array];
  for (let i = 0; i < x.length; i++) expect(Math.abs(x[i] - y[i])).toBeLessThan(1e-6);
});

test.each([["cpu"], ["webgpu"]] as const)("on %s a non-finite grad norm leaves params and moments untouched", async (name) => {
  const dev = name === "cpu" ? cpu : gpu;
  if (!dev) return console.log("skipping: no WebGPU adapter");
  const p = dev.randn([100], 1, 7, { requiresGrad: true });
  const before = Array.from((await p.read()) as Float32Array);
  const st = adamwState([p]);
  const g = new Float32Array(100).fill(0.5);
  g[17] = Number.NaN;
  p.grad = dev.tensor(g, [100]);
  const normSq = gradNormSquared([p])!;
  adamw([p], st, { lr: 0.01 }, { normSq, maxNorm: 1 });
  expect(Number.isNaN((await normSq.read())[0])).toBe(true);
  expect(Array.from((await p.read()) as Float32Array)).toEqual(before);
  expect(Array.from((await st.m[0].read()) as Float32Array).every((x) => x === 0)).toBe(true);
});
