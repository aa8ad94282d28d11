// The CPU backend's fast matmul against the reference: forward bit for bit, backward within f32 rounding.
import { expect, test } from "bun:test";
import { matmulBackwardRef, matmulForwardRef } from "../kernels/matmul/reference.ts";
import { normal } from "../rng.ts";
import type { MatmulDims } from "../types.ts";
import { matmulBackwardFast, matmulForwardFast } from "./matmul.ts";

const rand = (n: number, seed: number): Float32Array => Float32Array.from({ length: n }, (_, i) => normal(seed, i));

const cases: [string, MatmulDims, boolean, boolean, boolean][] = [];
for (const [batch, M, N, K] of [[1, 3, 5, 7], [2, 17, 9, 33], [3, 1, 64, 2]])
  for (const bBatched of [false, true])
    for (const transA of [false, true]) for (const transB of [false, true]) cases.push([`${batch}x${M}x${N}x${K} bB=${bBatched} tA=${transA} tB=${transB}`, { batch, M, N, K, bBatched }, transA, transB, bBatched]);

test.each(cases)("fast matmul %s matches the reference", (_n, d, transA, transB) => {
  const o = { transA, transB };
  const a = rand(d.batch * d.M * d.K, 1);
  const b = rand((d.bBatched ? d.batch : 1) * d.K * d.N, 2);
  const bias = rand(d.N, 3);
  const want = new Float32Array(d.batch * d.M * d.N);
  const got = new Float32Array(d.batch * d.M * d.N);
  matmulForwardRef(want, a, b, bias, d, o);
  matmulForwardFast(got, a, b, bias, d, o);
  expect(got).toEqual(want);
  const dout = rand(want.length, 4);
  const r = [new Float32Array(a.length), new Float32Array(b.length), new Float32Array(d.N)];
  const f = [new Float32Array(a.length), new Float32Array(b.length), new Float32Array(d.N)];
  matmulBackwardRef(r[0], r[1], r[2], dout, a, b, d, o);
  matmulBackwardFast(f[0], f[1], f[2], dout, a, b, d, o);
  r.forEach((x, k) => x.forEach((v, i) => expect(Math.abs(f[k][i] - v)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(v)))));
});
