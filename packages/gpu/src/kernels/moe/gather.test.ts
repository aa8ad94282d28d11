// moeGather: a worked example (empty slots read zeros, a token gathered twice sums its gradients), and the op on
// each backend against the reference, forward and backward, on odd shapes with repeated rows and -1 entries.
import { describe, expect, test } from "bun:test";
import { backward, noGrad } from "../../autograd.ts";
import { ops } from "../../ops/index.ts";
import { devices, maxRelErr, rand, randInts } from "./fixtures.ts";
import { moeGatherBackwardRef, moeGatherForwardRef } from "./reference.ts";

/** The backward sums a few f32 values in the reference's order; the forward copies exactly. */
const TOL = 1e-6;

// [N, M, C]: one row, more slots than tokens, fewer, C past one 256-lane workgroup, many tokens.
const shapes: [number, number, number][] = [[1, 1, 1], [3, 10, 5], [17, 6, 33], [9, 40, 257], [300, 520, 3]];

describe.each(devices)("moeGather on %s", (_name, dev) => {
  test.skipIf(!dev)("an empty slot reads a zero row and a token gathered twice gets both gradients", async () => {
    const x = dev!.tensor([1, 2, 3, 4, 5, 6], [3, 2], { requiresGrad: true });
    const y = ops.moeGather(x, dev!.tensor(Int32Array.from([2, -1, 0, 2]), [4]));
    expect(Array.from(await y.read())).toEqual([5, 6, 0, 0, 1, 2, 5, 6]);
    backward(ops.sum(ops.mul(y, dev!.tensor([1, 2, 3, 4, 5, 6, 7, 8], [4, 2]))));
    expect(Array.from(await x.grad!.read())).toEqual([5, 6, 0, 0, 1 + 7, 2 + 8]);
  });

  test.skipIf(!dev).each(shapes.map((s) => [s.join(","), ...s] as const))("N,M,C = %s: rows and x's gradient match the reference", async (_s, N, M, C) => {
    const xv = rand(N * C, N * 7 + C);
    const rowOf = randInts(M, M * 3 + N, -1, N + 1); // repeats, -1 and N (both read zeros)
    const r = rand(M * C, 5);
    const [wantY, wantDx] = [new Float32Array(M * C), new Float32Array(N * C)];
    moeGatherForwardRef(wantY, xv, rowOf, M, N, C);
    moeGatherBackwardRef(wantDx, r, rowOf, M, N, C);
    const x = dev!.tensor(xv, [N, C], { requiresGrad: true });
    const y = ops.moeGather(x, dev!.tensor(rowOf, [M]));
    expect(y.shape).toEqual([M, C]);
    expect(Array.from(await y.read())).toEqual(Array.from(wantY));
    backward(ops.sum(ops.mul(y, dev!.tensor(r, [M, C]))));
    expect(maxRelErr(await x.grad!.read(), wantDx)).toBeLessThanOrEqual(TOL);
  });

  test.skipIf(!dev)("a token gathered into 600 rows sums their gradients in row order, the same bits every run", async () => {
    const [N, M, C] = [3, 600, 7];
    const rowOf = Int32Array.from({ length: M }, (_, m) => (m % 5 === 0 ? -1 : m % 7 === 0 ? 0 : 2)); // one long list
    const r = rand(M * C, 8, 100); // wide range: the order of the sum shows in the low bits
    const want = new Float32Array(N * C);
    moeGatherBackwardRef(want, r, rowOf, M, N, C);
    const grad = async () => {
      const x = dev!.tensor(rand(N * C, 2), [N, C], { requiresGrad: true });
      backward(ops.sum(ops.mul(ops.moeGather(x, dev!.tensor(rowOf, [M])), dev!.tensor(r, [M, C]))));
      return (await x.grad!.read()) as Float32Array;
    };
    const first = await grad();
    expect(maxRelErr(first, want)).toBeLessThanOrEqual(TOL);
    expect(Array.from(first.subarray(C, 2 * C))).toEqual(new Array(C).fill(0));
    expect(Array.from(await grad())).toEqual(Array.from(first));
  });

  test.skipIf(!dev)("rowOf of shape (E,R) gives rows of shape (E,R,C)", () => {
    const y = noGrad(() => ops.moeGather(dev!.zeros([4, 3]), dev!.tensor(Int32Array.from([0, 1, 2, 3, -1, -1]), [2, 3])));
    expect(y.shape).toEqual([2, 3, 3]);
  });
});
