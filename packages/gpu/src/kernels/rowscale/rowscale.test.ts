// Row scaling: the op on each backend against the reference on odd shapes (N = 1, D = 1, D below, at and past the
// 64 lanes of the row-dot reduction and the 256 of the elementwise kernel, leading dims), both gradients and either
// alone against the reference backward and against central finite differences, and the shape errors.
import { describe, expect, test } from "bun:test";
import { backward, noGrad } from "../../autograd.ts";
import { getDevice } from "../../get-device.ts";
import { ops } from "../../ops/index.ts";
import type { Device } from "../../tensor.ts";
import { testDevice } from "../../testing.ts";
import { rowScaleBackwardRef, rowScaleForwardRef } from "./reference.ts";

const devices: [string, Device | null][] = [["cpu", await getDevice({ backend: "cpu" })], ["webgpu", await testDevice()]];

/** out and dx (one f32 product each): max |got - want| / (1 + |want|). */
const TOL = 1e-7;
/** ds (a D-term sum, lane-strided then tree-reduced on WebGPU): max |got - want| / (1 + sum_d |dout·x|). */
const DOT_TOL = 4e-6;
/** Finite differences, h = 1e-2, of a loss linear in each input: max |grad - num| / max(1, |num|) (f32 rounding only). */
const FD_TOL = 2e-3;

function rand(n: number, seed: number, std = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s ^ (s >>> 15), 2246822519) + 374761393) >>> 0;
    out[i] = ((s / 2 ** 32) * 2 - 1) * std;
  }
  return out;
}

function maxRelErr(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let e = 0;
  for (let i = 0; i < want.length; i++) e = Math.max(e, Math.abs(got[i] - want[i]) / (1 + Math.abs(want[i])));
  return e;
}

// x shape, s shape: one row of one, one row, D = 1, D below / at / past 64 lanes, past 256, large D, leading dims.
const shapes: [number[], number[]][] = [
  [[1, 1], [1]], [[1, 7], [1]], [[5, 1], [5]], [[3, 63], [3]], [[3, 64], [3]], [[9, 65], [9]], [[7, 257], [7]],
  [[2, 1001], [2]], [[2, 3, 17], [2, 3]], [[2, 3, 17], [6]], [[13], [1]],
];
const name = (x: number[], s: number[]): string => `x ${x.join("x")}, s ${s.join("x")}`;
const cases = shapes.map(([x, s]) => [name(x, s), x, s] as const);

describe.each(devices)("rowScale on %s", (_name, dev) => {
  test.skipIf(!dev).each(cases)("%s: values match the reference", async (_n, xs, ss) => {
    const D = xs[xs.length - 1];
    const N = xs.reduce((a, b) => a * b, 1) / D;
    const [x, s] = [rand(N * D, N * 100 + D, 3), rand(N, D + 17, 2)];
    const want = new Float32Array(N * D);
    rowScaleForwardRef(want, x, s, N, D);
    const y = noGrad(() => ops.rowScale(dev!.tensor(x, xs), dev!.tensor(s, ss)));
    expect(y.shape).toEqual(xs);
    expect(maxRelErr(await y.read(), want)).toBeLessThan(TOL);
  });

  test.skipIf(!dev).each(cases)("%s: both gradients match the reference", async (_n, xs, ss) => {
    const D = xs[xs.length - 1];
    const N = xs.reduce((a, b) => a * b, 1) / D;
    const [xv, sv, r] = [rand(N * D, N * 31 + D, 3), rand(N, D + 5, 2), rand(N * D, 77 + D)];
    const [wantDx, wantDs] = [new Float32Array(N * D), new Float32Array(N)];
    rowScaleBackwardRef(wantDx, wantDs, r, xv, sv, N, D);
    const x = dev!.tensor(xv, xs, { requiresGrad: true });
    const s = dev!.tensor(sv, ss, { requiresGrad: true });
    backward(ops.sum(ops.mul(ops.rowScale(x, s), dev!.tensor(r, xs))));
    expect(s.grad!.shape).toEqual(ss);
    expect(maxRelErr((await x.grad!.read()) as Float32Array, wantDx)).toBeLessThan(TOL);
    const ds = (await s.grad!.read()) as Float32Array;
    for (let n = 0; n < N; n++) {
      let mag = 0;
      for (let d = 0; d < D; d++) mag += Math.abs(r[n * D + d] * xv[n * D + d]);
      expect(Math.abs(ds[n] - wantDs[n]) / (1 + mag)).toBeLessThan(DOT_TOL);
    }
  });

  test.skipIf(!dev)("constant weights (advantages) give x a gradient and s none; constant x gives s one", async () => {
    const [N, D] = [4, 9];
    const [xv, sv] = [rand(N * D, 1), rand(N, 2)];
    const x = dev!.tensor(xv, [N, D], { requiresGrad: true });
    backward(ops.sum(ops.rowScale(x, dev!.tensor(sv, [N]))));
    expect(Array.from((await x.grad!.read()) as Float32Array)).toEqual(Array.from({ length: N * D }, (_, i) => sv[Math.floor(i / D)]));
    const s = dev!.tensor(sv, [N], { requiresGrad: true });
    backward(ops.sum(ops.rowScale(dev!.tensor(xv, [N, D]), s)));
    const want = new Float32Array(N);
    rowScaleBackwardRef(null, want, new Float32Array(N * D).fill(1), xv, sv, N, D);
    expect(maxRelErr((await s.grad!.read()) as Float32Array, want)).toBeLessThan(DOT_TOL);
  });

  test.skipIf(!dev)("both gradients equal central finite differences of sum(r * rowScale(x, s))", async () => {
    const [N, D] = [5, 67];
    const [xv, sv, r] = [rand(N * D, 3, 2), rand(N, 4, 2), rand(N * D, 5)];
    const rt = dev!.tensor(r, [N, D]);
    const x = dev!.tensor(xv, [N, D], { requiresGrad: true });
    const s = dev!.tensor(sv, [N], { requiresGrad: true });
    backward(ops.sum(ops.mul(ops.rowScale(x, s), rt)));
    const [gx, gs] = [(await x.grad!.read()) as Float32Array, (await s.grad!.read()) as Float32Array];
    const loss = async (xd: Float32Array, sd: Float32Array): Promise<number> => {
      const y = (await noGrad(() => ops.rowScale(dev!.tensor(xd, [N, D]), dev!.tensor(sd, [N]))).read()) as Float32Array;
      let acc = 0;
      for (let i = 0; i < N * D; i++) acc += y[i] * r[i];
      return acc;
    };
    const h = 1e-2;
    const fd = async (v: Float32Array, i: number, f: (d: Float32Array) => Promise<number>): Promise<number> => {
      const d = v.slice();
      d[i] = v[i] + h;
      const lp = await f(d);
      d[i] = v[i] - h;
      return (lp - (await f(d))) / (2 * h);
    };
    let worst = 0;
    for (let i = 0; i < N * D; i += 11) {
      const num = await fd(xv, i, (d) => loss(d, sv));
      worst = Math.max(worst, Math.abs(gx[i] - num) / Math.max(1, Math.abs(num)));
    }
    for (let n = 0; n < N; n++) {
      const num = await fd(sv, n, (d) => loss(xv, d));
      worst = Math.max(worst, Math.abs(gs[n] - num) / Math.max(1, Math.abs(num)));
    }
    expect(worst).toBeLessThan(FD_TOL);
  });

  test.skipIf(!dev)("weights that are not one per row are refused with both shapes named", () => {
    const x = dev!.zeros([3, 4], "f32", { name: "logp" });
    expect(() => ops.rowScale(x, dev!.zeros([4], "f32", { name: "adv" }))).toThrow("adv [4] f32 does not give one weight per row of logp [3,4] f32 (3 rows)");
    expect(() => ops.rowScale(dev!.zeros([2, 3, 4], "f32", { name: "logp" }), dev!.zeros([3, 2], "f32", { name: "adv" }))).toThrow("pass s of shape [6] or [2,3]");
  });
});
