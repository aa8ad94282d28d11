// Token log-probabilities: the reference against log-softmax in f64 and its tie rule, the op on each backend against
// the reference on odd shapes (V not a multiple of the 64 lanes, N = 1, V = 1, padding targets), and the backward
// against the reference backward and against central finite differences.
import { describe, expect, test } from "bun:test";
import { backward, noGrad } from "../../autograd.ts";
import { getDevice } from "../../get-device.ts";
import { ops } from "../../ops/index.ts";
import type { Device } from "../../tensor.ts";
import { testDevice } from "../../testing.ts";
import { tokenLogprobsBackwardRef, tokenLogprobsForwardRef } from "./reference.ts";

const devices: [string, Device | null][] = [["cpu", await getDevice({ backend: "cpu" })], ["webgpu", await testDevice()]];

/** Forward outputs: max |got - want| / (1 + |want|). */
const TOL = 2e-5;
/** Backward outputs (products of two f32 terms): max |got - want|. */
const GRAD_TOL = 1e-6;

function rand(n: number, seed: number, std = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s ^ (s >>> 15), 2246822519) + 374761393) >>> 0;
    out[i] = ((s / 2 ** 32) * 2 - 1) * std;
  }
  return out;
}

/** Targets for N rows: mostly in range, every 5th row its argmax (so greedy is exercised), row 3 padding (-1), row 7 = V. */
function targetsFor(logits: Float32Array, N: number, V: number): Int32Array {
  return Int32Array.from({ length: N }, (_, n) => {
    if (n === 3) return -1;
    if (n === 7) return V;
    if (n % 5 === 0) {
      let best = 0;
      for (let v = 1; v < V; v++) if (logits[n * V + v] > logits[n * V + best]) best = v;
      return best;
    }
    return (n * 31 + 7) % V;
  });
}

function maxRelErr(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let e = 0;
  for (let i = 0; i < want.length; i++) e = Math.max(e, Math.abs(got[i] - want[i]) / (1 + Math.abs(want[i])));
  return e;
}

// N, V: one row, a vocabulary of one, fewer columns than lanes, exactly the lanes, one past, odd and larger ones.
const shapes: [number, number][] = [[1, 1], [1, 7], [4, 1], [3, 64], [9, 65], [37, 300], [2, 1001], [70, 129]];

test("the reference equals log-softmax at the target in f64 and greedy marks the first maximum only", () => {
  const logits = Float32Array.from([1, 3, 3, 0, /* row 2 */ -2, 0.5, 0.25, 0.5]); // (2,4), ties at 1,2 and 1,3
  const [logp, lse, greedy] = [new Float32Array(4), new Float32Array(4), new Int32Array(4)];
  const rows = Float32Array.from([...logits, ...logits]); // (4,4)
  tokenLogprobsForwardRef(logp, lse, greedy, rows, Int32Array.from([1, 3, 2, 5]), 4, 4);
  const l0 = Math.log(Math.exp(1) + 2 * Math.exp(3) + 1);
  const l1 = Math.log(Math.exp(-2) + 2 * Math.exp(0.5) + Math.exp(0.25));
  expect(Array.from(logp)).toEqual([Math.fround(3 - l0), Math.fround(0.5 - l1), Math.fround(3 - l0), 0].map((x) => expect.closeTo(x, 6)));
  expect(Array.from(greedy)).toEqual([1, 0, 0, 0]); // row 1: target 3 ties the max at 1; row 2: 2 ties 1; row 3: padding
});

describe.each(devices)("tokenLogprobs on %s", (_name, dev) => {
  test.skipIf(!dev).each(shapes)("N=%i, V=%i: log-probabilities and greedy flags match the reference", async (N, V) => {
    const x = rand(N * V, N * 1000 + V, 3);
    const t = targetsFor(x, N, V);
    const [logp, lse, greedy] = [new Float32Array(N), new Float32Array(N), new Int32Array(N)];
    tokenLogprobsForwardRef(logp, lse, greedy, x, t, N, V);
    const { logprobs, greedy: g } = noGrad(() => ops.tokenScores(dev!.tensor(x, [N, V]), dev!.tensor(t, [N])));
    expect(logprobs.shape).toEqual([N]);
    expect(maxRelErr(await logprobs.read(), logp)).toBeLessThan(TOL);
    expect(Array.from(await g.read())).toEqual(Array.from(greedy));
  });

  test.skipIf(!dev)("ties go to the lowest index, as in sampleLogits' greedy pick", async () => {
    const V = 130; // the two maxima land in different lanes of the 64-lane reduction
    const x = rand(3 * V, 5);
    for (const n of [0, 1, 2]) x[n * V + 3] = x[n * V + 100] = 9;
    const t = Int32Array.from([3, 100, 66]);
    const g = noGrad(() => ops.tokenScores(dev!.tensor(x, [3, V]), dev!.tensor(t, [3]))).greedy;
    expect(Array.from(await g.read())).toEqual([1, 0, 0]);
  });

  test.skipIf(!dev).each(shapes)("N=%i, V=%i: the backward matches the reference and padding rows get no gradient", async (N, V) => {
    const x = rand(N * V, N * 77 + V, 2);
    const t = targetsFor(x, N, V);
    const r = rand(N, 9);
    const [logp, lse, greedy, want] = [new Float32Array(N), new Float32Array(N), new Int32Array(N), new Float32Array(N * V)];
    tokenLogprobsForwardRef(logp, lse, greedy, x, t, N, V);
    tokenLogprobsBackwardRef(want, r, x, lse, t, N, V);
    const logits = dev!.tensor(x, [N, V], { requiresGrad: true });
    backward(ops.sum(ops.mul(ops.tokenLogprobs(logits, dev!.tensor(t, [N])), dev!.tensor(r, [N]))));
    const got = (await logits.grad!.read()) as Float32Array;
    let e = 0;
    for (let i = 0; i < want.length; i++) e = Math.max(e, Math.abs(got[i] - want[i]));
    expect(e).toBeLessThan(GRAD_TOL);
    if (N > 3) expect(Array.from(got.subarray(3 * V, 4 * V)).every((v) => v === 0)).toBe(true);
  });

  test.skipIf(!dev)("the gradient equals central finite differences of sum(r * logprobs)", async () => {
    const [N, V] = [5, 67];
    const x = rand(N * V, 3, 2);
    const t = Int32Array.from([0, 66, 31, -1, 12]);
    const r = rand(N, 4);
    const targets = dev!.tensor(t, [N]);
    const rt = dev!.tensor(r, [N]);
    const logits = dev!.tensor(x, [N, V], { requiresGrad: true });
    backward(ops.sum(ops.mul(ops.tokenLogprobs(logits, targets), rt)));
    const grad = (await logits.grad!.read()) as Float32Array;
    const loss = async (data: Float32Array): Promise<number> => {
      const lp = (await noGrad(() => ops.tokenLogprobs(dev!.tensor(data, [N, V]), targets)).read()) as Float32Array;
      let s = 0;
      for (let n = 0; n < N; n++) s += lp[n] * r[n];
      return s;
    };
    const h = 1e-2;
    let worst = 0;
    for (let i = 0; i < N * V; i += 7) {
      const d = x.slice();
      d[i] = x[i] + h;
      const lp = await loss(d);
      d[i] = x[i] - h;
      const lm = await loss(d);
      worst = Math.max(worst, Math.abs(grad[i] - (lp - lm) / (2 * h)));
    }
    expect(worst).toBeLessThan(2e-3); // O(h²) truncation plus f32 rounding of the loss over 2h
  });

  test.skipIf(!dev)("targets and logits of different row counts are refused with both shapes named", () => {
    expect(() => ops.tokenLogprobs(dev!.zeros([3, 4], "f32", { name: "logits" }), dev!.zeros([2], "i32", { name: "targets" }))).toThrow(
      "targets [2] i32 has 2 targets for 3 rows of logits [3,4] f32",
    );
  });
});
