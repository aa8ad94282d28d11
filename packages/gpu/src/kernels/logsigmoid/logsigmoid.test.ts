// Log-sigmoid: the reference against log σ in f64, the op on each backend against the reference on odd sizes
// (1, fewer than the 256 lanes, one past, leading dims) and at large |x| (±50, ±88, ±1e4, ±3e38: finite, no NaN),
// and the backward against the reference backward and against central finite differences.
import { describe, expect, test } from "bun:test";
import { backward, noGrad } from "../../autograd.ts";
import { getDevice } from "../../get-device.ts";
import { ops } from "../../ops/index.ts";
import type { Device } from "../../tensor.ts";
import { testDevice } from "../../testing.ts";
import { logSigmoidBackwardRef, logSigmoidForwardRef } from "./reference.ts";

const devices: [string, Device | null][] = [["cpu", await getDevice({ backend: "cpu" })], ["webgpu", await testDevice()]];

/** Forward and backward outputs: max |got - want| / (1 + |want|) (a few f32 ulps of exp and log). */
const TOL = 2e-6;
/** Finite differences, h = 1e-2: max |grad - (L(x+h) - L(x-h)) / 2h|; truncation h²/6·|f'''| < 2e-6, rounding ~1e-5. */
const FD_TOL = 1e-3;

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

// One element, fewer than the 256 lanes, exactly the lanes, one past, odd and larger, leading dims.
const shapes: number[][] = [[1], [7], [256], [257], [1001], [3, 5, 17]];
const LARGE = Float32Array.from([50, -50, 88, -88, 1e4, -1e4, 3e38, -3e38, 0, 1e-8, -1e-8, 17, -17]);

test("the reference equals log σ(x) in f64, and σ(-x) for the backward, at small and large |x|", () => {
  const want = (x: number): number => -Math.log1p(Math.exp(-x)); // exact in f64 for x > -700
  const xs = Float32Array.from([0, 1e-8, -3, 2.5, 17, -17, 50, -50, 80]); // σ(-88) would be an f32 subnormal
  const [y, dx] = [new Float32Array(xs.length), new Float32Array(xs.length)];
  logSigmoidForwardRef(y, xs, xs.length);
  logSigmoidBackwardRef(dx, new Float32Array(xs.length).fill(1), xs, xs.length);
  xs.forEach((x, i) => {
    expect(Math.abs(y[i] - want(x))).toBeLessThanOrEqual(Math.abs(want(x)) * 2 ** -23);
    expect(Math.abs(dx[i] - 1 / (1 + Math.exp(x)))).toBeLessThanOrEqual((1 / (1 + Math.exp(x))) * 2 ** -23);
  });
  expect(y[6]).toBeLessThan(0); // log σ(50) = -1.9e-22, not rounded to 0
  const big = new Float32Array(2);
  logSigmoidForwardRef(big, Float32Array.from([-1e4, 1e4]), 2);
  expect(Array.from(big)).toEqual([-1e4, 0]);
});

describe.each(devices)("logSigmoid on %s", (_name, dev) => {
  test.skipIf(!dev).each(shapes.map((s) => [s.join("x"), s] as const))("%s: values match the reference", async (_s, shape) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const x = rand(n, n * 13 + 1, 8);
    const want = new Float32Array(n);
    logSigmoidForwardRef(want, x, n);
    const y = noGrad(() => ops.logSigmoid(dev!.tensor(x, shape)));
    expect(y.shape).toEqual(shape);
    expect(maxRelErr(await y.read(), want)).toBeLessThan(TOL);
  });

  test.skipIf(!dev)("large |x| (±50, ±88, ±1e4, ±3e38) gives finite values and gradients matching the reference", async () => {
    const n = LARGE.length;
    const [wantY, wantDx] = [new Float32Array(n), new Float32Array(n)];
    const r = rand(n, 5);
    logSigmoidForwardRef(wantY, LARGE, n);
    logSigmoidBackwardRef(wantDx, r, LARGE, n);
    const x = dev!.tensor(LARGE, [n], { requiresGrad: true });
    const y = ops.logSigmoid(x);
    backward(ops.sum(ops.mul(y, dev!.tensor(r, [n]))));
    const [gotY, gotDx] = [(await y.read()) as Float32Array, (await x.grad!.read()) as Float32Array];
    expect(gotY.every(Number.isFinite) && gotDx.every(Number.isFinite)).toBe(true);
    expect(maxRelErr(gotY, wantY)).toBeLessThan(TOL);
    expect(maxRelErr(gotDx, wantDx)).toBeLessThan(TOL);
    expect([gotY[4], gotY[5], Math.abs(gotDx[4]), gotDx[5]]).toEqual([0, -1e4, 0, r[5]]); // dx(1e4) = r·0, ±0
  });

  test.skipIf(!dev).each(shapes.map((s) => [s.join("x"), s] as const))("%s: the backward matches the reference", async (_s, shape) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const [xv, r] = [rand(n, n * 7 + 3, 8), rand(n, n + 11)];
    const want = new Float32Array(n);
    logSigmoidBackwardRef(want, r, xv, n);
    const x = dev!.tensor(xv, shape, { requiresGrad: true });
    backward(ops.sum(ops.mul(ops.logSigmoid(x), dev!.tensor(r, shape))));
    expect(maxRelErr((await x.grad!.read()) as Float32Array, want)).toBeLessThan(TOL);
  });

  test.skipIf(!dev)("the gradient equals central finite differences of sum(r * logSigmoid(x))", async () => {
    const n = 67;
    const [xv, r] = [rand(n, 3, 6), rand(n, 4)];
    const x = dev!.tensor(xv, [n], { requiresGrad: true });
    backward(ops.sum(ops.mul(ops.logSigmoid(x), dev!.tensor(r, [n]))));
    const grad = (await x.grad!.read()) as Float32Array;
    const loss = async (data: Float32Array): Promise<number> => {
      const y = (await noGrad(() => ops.logSigmoid(dev!.tensor(data, [n]))).read()) as Float32Array;
      let s = 0;
      for (let i = 0; i < n; i++) s += y[i] * r[i];
      return s;
    };
    const h = 1e-2;
    let worst = 0;
    for (let i = 0; i < n; i += 3) {
      const d = xv.slice();
      d[i] = xv[i] + h;
      const lp = await loss(d);
      d[i] = xv[i] - h;
      const lm = await loss(d);
      worst = Math.max(worst, Math.abs(grad[i] - (lp - lm) / (2 * h)));
    }
    expect(worst).toBeLessThan(FD_TOL);
  });

  test.skipIf(!dev)("an i32 input is refused with its name", () => {
    expect(() => ops.logSigmoid(dev!.zeros([3], "i32", { name: "margin" }))).toThrow("margin [3] i32 must be f32");
  });
});
