// f16-storage elementwise ops (add, mul, scale, gelu, silu, reshape) and their gradients: outputs are the f32 op on
// the f16 inputs rounded once to f16 (CPU, checked against Math.f16round), WebGPU matches the CPU within f16 ulps
// (not bitwise: lavapipe's f32 exp/tanh differ slightly), gradients stay f16 and track the f32 gradients.
import { describe, expect, test } from "bun:test";
import { backward } from "../../autograd.ts";
import { getDevice } from "../../get-device.ts";
import { ops } from "../../ops/index.ts";
import type { Device, Tensor } from "../../tensor.ts";
import { testDevice } from "../../testing.ts";

const cpu = await getDevice({ backend: "cpu" });
const gpuAny = await testDevice();
const gpu = gpuAny?.supportsF16 ? gpuAny : null;
if (gpuAny && !gpu) console.warn("[@lathe/gpu] skipping WebGPU f16 elementwise tests: the adapter lacks shader-f16");

const f16round = (Math as unknown as { f16round: (x: number) => number }).f16round;

/** One f16 ulp at v (the spacing of f16 values around v; subnormal spacing near 0). */
function ulp(v: number): number {
  const a = Math.abs(v);
  return a < 2 ** -14 ? 2 ** -24 : 2 ** (Math.floor(Math.log2(a)) - 10);
}

/** Largest |got - want| in f16 ulps of want, after forgiving `abs` (the f32 kernels' own error near zero). */
function maxUlps(got: Float32Array, want: Float32Array, abs = 0): number {
  let e = 0;
  for (let i = 0; i < want.length; i++) e = Math.max(e, Math.max(0, Math.abs(got[i] - want[i]) - abs) / ulp(want[i]));
  return e;
}

interface HalfCase {
  readonly name: string;
  readonly shapes: number[][];
  run(x: Tensor[]): Tensor;
  /** The same math on plain numbers, for the CPU check (f32 ops only). */
  readonly f?: (a: number, b: number) => number;
  /** Allowed WebGPU-vs-CPU error in f16 ulps. */
  readonly ulps: number;
  /**
   * Absolute error forgiven first: gelu/silu in f32 differ from the f64 reference by up to ~2e-6 near zero
   * (1 + tanh cancels for negative x), which is several f16 ulps of a tiny output. @default 0
   */
  readonly abs?: number;
}

const CASES: HalfCase[] = [];
for (const shape of [[7], [3, 5], [2, 3, 17]]) {
  const s = shape.join("x");
  const last = shape.slice(-1);
  CASES.push({ name: `add ${s}`, shapes: [shape, shape], run: ([a, b]) => ops.add(a, b), f: (a, b) => Math.fround(a + b), ulps: 0.5 });
  CASES.push({ name: `add broadcast ${s}`, shapes: [shape, last], run: ([a, b]) => ops.add(a, b), ulps: 0.5 });
  CASES.push({ name: `mul ${s}`, shapes: [shape, shape], run: ([a, b]) => ops.mul(a, b), f: (a, b) => Math.fround(a * b), ulps: 0.5 });
  CASES.push({ name: `mul broadcast ${s}`, shapes: [shape, last], run: ([a, b]) => ops.mul(a, b), ulps: 0.5 });
  CASES.push({ name: `scale ${s}`, shapes: [shape], run: ([a]) => ops.scale(a, -0.37), f: (a) => Math.fround(a * Math.fround(-0.37)), ulps: 0.5 });
  CASES.push({ name: `gelu ${s}`, shapes: [shape], run: ([a]) => ops.gelu(a), ulps: 1, abs: 1e-5 });
  CASES.push({ name: `silu ${s}`, shapes: [shape], run: ([a]) => ops.silu(a), ulps: 1, abs: 1e-5 });
  CASES.push({ name: `reshape then gelu ${s}`, shapes: [shape], run: ([a]) => ops.gelu(ops.reshape(a, [-1])), ulps: 1, abs: 1e-5 });
}

function inputs(dev: Device, c: HalfCase, k: number, dtype: "f16" | "f32"): Tensor[] {
  return c.shapes.map((s, i) => dev.randn(s, 2, 1000 * k + i, { dtype, requiresGrad: true, name: `x${i}` }));
}

/** Output and input gradients of loss = sum(f32(out) * r). */
async function runCase(dev: Device, c: HalfCase, k: number, dtype: "f16" | "f32"): Promise<Float32Array[]> {
  return dev.tidy(async () => {
    const xs = inputs(dev, c, k, dtype);
    const out = c.run(xs);
    expect(out.dtype).toBe(dtype);
    const r = dev.randn(out.shape, 1, 77 + k);
    backward(ops.sum(ops.mul(ops.cast(out, "f32"), r)));
    const res = [(await out.read()) as Float32Array];
    for (const x of xs) {
      expect(x.grad!.dtype).toBe(dtype);
      res.push((await x.grad!.read()) as Float32Array);
    }
    return res;
  });
}

const table = CASES.map((c, k) => [c.name, c, k] as const);

describe("f16 elementwise ops on the CPU backend", () => {
  test.each(table.filter(([, c]) => c.f))("%s is the f32 op on the f16 inputs, rounded once to f16", async (_n, c, k) => {
    const xs = inputs(cpu, c, k, "f16");
    const vals = await Promise.all(xs.map(async (x) => (await x.read()) as Float32Array));
    for (const v of vals) expect(Array.from(v)).toEqual(Array.from(v, f16round));
    const got = (await c.run(xs).read()) as Float32Array;
    const want = vals[0].map((a, i) => f16round(c.f!(a, vals[1]?.[i] ?? 0)));
    expect(Array.from(got)).toEqual(Array.from(want));
  });

  test.each(table)("%s: output and gradients track the f32 op within f16 precision", async (_n, c, k) => {
    const half = await runCase(cpu, c, k, "f16");
    // the f32 op on the same (f16-rounded) inputs
    const full = await cpu.tidy(async () => {
      const xs = inputs(cpu, c, k, "f16");
      const leaves = await Promise.all(xs.map(async (x) => cpu.tensor((await x.read()) as Float32Array, x.shape, { requiresGrad: true })));
      const out = c.run(leaves);
      backward(ops.sum(ops.mul(out, cpu.randn(out.shape, 1, 77 + k))));
      return [(await out.read()) as Float32Array, ...(await Promise.all(leaves.map(async (l) => (await l.grad!.read()) as Float32Array)))];
    });
    expect(maxUlps(half[0], full[0])).toBeLessThanOrEqual(0.5);
    // gradients go through a few f16 roundings (the upstream gradient, products, broadcast sums)
    for (let i = 1; i < half.length; i++)
      for (let j = 0; j < half[i].length; j++) expect(Math.abs(half[i][j] - full[i][j])).toBeLessThanOrEqual(4e-3 * Math.max(1, Math.abs(full[i][j])));
  });

  test("an f16 tensor used twice accumulates its f16 gradient", async () => {
    const x = cpu.tensor([1, -2, 0.5], [3], { dtype: "f16", requiresGrad: true });
    backward(ops.sum(ops.cast(ops.add(ops.scale(x, 3), x), "f32")));
    expect(x.grad!.dtype).toBe("f16");
    expect(Array.from(await x.grad!.read())).toEqual([4, 4, 4]);
  });
});

describe.skipIf(!gpu)("f16 elementwise ops on WebGPU match the CPU backend", () => {
  test.each(table)("%s (output and gradients, in f16 ulps)", async (_n, c, k) => {
    const want = await runCase(cpu, c, k, "f16");
    const got = await runCase(gpu!, c, k, "f16");
    expect(maxUlps(got[0], want[0], c.abs)).toBeLessThanOrEqual(c.ulps);
    // gradients: one more rounding of a product; allow an extra ulp
    for (let i = 1; i < want.length; i++) expect(maxUlps(got[i], want[i], c.abs)).toBeLessThanOrEqual(c.ulps + 1);
  });

  test.each(table.filter((_, i) => i % 4 === 0))("%s is bitwise deterministic run to run", async (_n, c, k) => {
    const a = await runCase(gpu!, c, k, "f16");
    const b = await runCase(gpu!, c, k, "f16");
    a.forEach((x, i) => expect(Buffer.from(x.buffer).equals(Buffer.from(b[i].buffer))).toBe(true));
  });

  test("an f16 tensor used twice accumulates its f16 gradient", async () => {
    const x = gpu!.tensor([1, -2, 0.5], [3], { dtype: "f16", requiresGrad: true });
    backward(ops.sum(ops.cast(ops.add(ops.scale(x, 3), x), "f32")));
    expect(Array.from(await x.grad!.read())).toEqual([4, 4, 4]);
  });

  test("in-place f16 results stay within their buffer: a neighbouring tensor is untouched", async () => {
    const a = gpu!.tensor([1, 2, 3], [3], { dtype: "f16" });
    const b = gpu!.tensor([5, 6, 7], [3], { dtype: "f16" });
    const y = ops.gelu(a);
    expect((await y.read()).length).toBe(3);
    expect(Array.from(await b.read())).toEqual([5, 6, 7]);
  });
});
