// matmul kernels vs the CPU reference on seeded random inputs: odd shapes (general kernel), tile-friendly shapes
// (fast kernel, incl. ragged edges and the k tail), transposes, shared and batched b, bias, accumulate, backward.
import { afterAll, describe, expect, test } from "bun:test";
import { acquireDevice } from "../../device.ts";
import { NoAdapterError } from "../../errors.ts";
import { Runtime, type GpuBuf } from "../../runtime.ts";
import type { MatmulDims, MatmulOpts } from "../../types.ts";
import { hasFastMatmul, matmulBackward, matmulForward, gemm, type MatmulPath } from "./matmul.ts";
import { matmulBackwardRef, matmulForwardRef } from "./reference.ts";

let rt: Runtime | null = null;
try {
  rt = new Runtime(await acquireDevice());
} catch (e) {
  if (!(e instanceof NoAdapterError)) throw e;
  console.log(`skipping matmul GPU tests: ${e.message}`);
}
afterAll(() => rt?.destroy());

function rand(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s ^ (s >>> 15), 2246822519) + 374761393) >>> 0;
    out[i] = (s / 2 ** 32) * 2 - 1;
  }
  return out;
}

function upload(r: Runtime, x: Float32Array): GpuBuf {
  const b = r.alloc(Math.max(x.length, 1) * 4, "test input");
  if (x.length) r.write(b, x);
  return b;
}

async function download(r: Runtime, b: GpuBuf, n: number): Promise<Float32Array> {
  return new Float32Array(await r.read(b, n * 4));
}

/** max |got - want| / (1 + |want|) */
function relErr(got: Float32Array, want: Float32Array): number {
  let e = 0;
  for (let i = 0; i < want.length; i++) e = Math.max(e, Math.abs(got[i] - want[i]) / (1 + Math.abs(want[i])));
  return e;
}

const TOL = 2e-5;
/** lavapipe compiles the unrolled fast kernel once per process, which takes seconds on a loaded 2-core machine. */
const TIMEOUT = 120_000;

type Case = [string, number, number, number, number, boolean, boolean, boolean, boolean, boolean];
// name, batch, M, K, N, transA, transB, bBatched, bias, accumulate
const forwardCases: Case[] = [
  ["1x1x1", 1, 1, 1, 1, false, false, false, false, false],
  ["7x13x5", 1, 7, 13, 5, false, false, false, true, false],
  ["65x33x17 transB", 1, 65, 33, 17, false, true, false, true, false],
  ["batched 3x(9x12x20) transA, batched b", 3, 9, 12, 20, true, false, true, false, false],
  ["transA transB 5x3x4 accumulate", 2, 5, 3, 4, true, true, false, false, true],
  ["fast 40x68x136 (ragged rows, columns, k tail)", 1, 40, 68, 136, false, false, false, true, false],
  ["fast batched 2x(24x64x128) shared b, accumulate", 2, 24, 64, 128, false, false, false, false, true],
  ["fast 33x96x260 transB + bias", 1, 33, 96, 260, false, true, false, true, false],
  ["fast batched 3x(17x36x12) transA, batched b", 3, 17, 36, 12, true, false, true, false, false],
];

/**
 * Runs one forward case on random inputs (seeds seed..seed+3) against the CPU reference: through matmulForward
 * (the kernel matmul.ts picks), or through gemm on the given kernel.
 */
async function expectForward(r: Runtime, c: Case, seed: number, path: MatmulPath = "auto"): Promise<void> {
  const [, batch, M, K, N, transA, transB, bBatched, withBias, accumulate] = c;
  const d: MatmulDims = { batch, M, N, K, bBatched };
  const o: MatmulOpts = { transA, transB };
  const a = rand(batch * M * K, seed), b = rand((bBatched ? batch : 1) * K * N, seed + 1), bias = withBias ? rand(N, seed + 2) : null;
  const init = rand(batch * M * N, seed + 3);
  const want = init.slice();
  matmulForwardRef(want, a, b, bias, d, o, accumulate);
  const [ga, gb, gbias, gout] = [upload(r, a), upload(r, b), bias ? upload(r, bias) : null, upload(r, init)];
  if (path === "auto") matmulForward(r, gout, ga, gb, gbias, d, o, accumulate);
  else gemm(r, gout, ga, gb, gbias, { batch, M, N, K, transA, transB, sA: M * K, sB: bBatched ? K * N : 0, sC: M * N }, accumulate, path);
  expect(relErr(await download(r, gout, want.length), want)).toBeLessThan(TOL);
}

describe.skipIf(!rt)("matmul forward matches the reference", () => {
  test.each(forwardCases.map((c) => [c[0], c] as const))("%s", (_name, c) => expectForward(rt!, c, 1), TIMEOUT);
});

describe.skipIf(!rt)("the texture kernel matches the reference on any shape", () => {
  // name, batch, M, K, N, transA, transB, bBatched, bias, accumulate: k tails (K % 32), ragged columns (N % 4),
  // rows past a 32-row block, transposes, shared and batched b.
  const cases: Case[] = [
    ["1x1x1", 1, 1, 1, 1, false, false, false, false, false],
    ["7x13x5 + bias", 1, 7, 13, 5, false, false, false, true, false],
    ["65x33x67 transB + bias", 1, 65, 33, 67, false, true, false, true, false],
    ["batched 3x(9x12x20) transA, batched b", 3, 9, 12, 20, true, false, true, false, false],
    ["batched 2x(40x70x130) shared b, accumulate", 2, 40, 70, 130, false, false, false, false, true],
    ["transA transB 2x(37x64x96) accumulate + bias", 2, 37, 64, 96, true, true, false, true, true],
    ["copied operands 2x(33x64x128) shared b + bias", 2, 33, 64, 128, false, false, false, true, false],
    ["copied operands 3x(20x128x192) batched b, accumulate", 3, 20, 128, 192, false, false, true, false, true],
    ["copied transposed A (backward dB) 64x96x40", 1, 64, 96, 40, true, false, false, false, false],
    ["copied transposed B (backward dA) 2x(30x128x37) + bias", 2, 30, 128, 37, false, true, false, true, false],
    ["copied transposed A and B, batched b, accumulate 2x(128x64x12)", 2, 128, 64, 12, true, true, true, false, true],
    ["several row blocks per workgroup, ragged last block: 200x64x1024 + bias", 1, 200, 64, 1024, false, false, false, true, false],
    ["several row blocks per workgroup, batched: 3x(100x40x384) transB, accumulate", 3, 100, 40, 384, false, true, true, false, true],
  ];
  test.each(cases.map((c) => [c[0], c] as const))("%s", async (_name, c) => {
    if (!hasFastMatmul(rt!)) return console.log("skipping: adapter has no subgroups of >= 8 lanes");
    await expectForward(rt!, c, 31, "tex");
  }, TIMEOUT);
});

describe.skipIf(!rt)("all kernels agree on a tile-friendly shape", () => {
  test.each(["tex", "fast", "general"] as MatmulPath[])("the %s kernel matches the reference", async (path) => {
    const r = rt!;
    if (path !== "general" && !hasFastMatmul(r)) return console.log("skipping: adapter has no subgroups of >= 8 lanes");
    const [M, K, N] = [24, 64, 128];
    const a = rand(M * K, 5), b = rand(K * N, 6), bias = rand(N, 7);
    const want = new Float32Array(M * N);
    matmulForwardRef(want, a, b, bias, { batch: 1, M, N, K, bBatched: false }, { transA: false, transB: false });
    const out = upload(r, new Float32Array(M * N));
    gemm(r, out, upload(r, a), upload(r, b), upload(r, bias), { batch: 1, M, N, K, transA: false, transB: false, sA: 0, sB: 0, sC: 0 }, false, path);
    expect(relErr(await download(r, out, M * N), want)).toBeLessThan(TOL);
  }, TIMEOUT);
});

describe.skipIf(!rt)("matmul backward matches the reference", () => {
  const cases: Case[] = [
    ["7x13x5 + bias", 1, 7, 13, 5, false, false, false, true, false],
    ["batched 2x(5x6x7) transB, shared b", 2, 5, 6, 7, false, true, false, true, false],
    ["batched 3x(4x6x5) transA, batched b", 3, 4, 6, 5, true, false, true, false, false],
    ["transA transB shared b 2x(5x3x4)", 2, 5, 3, 4, true, true, false, false, false],
    ["fast 2x(24x64x128) shared b + bias", 2, 24, 64, 128, false, false, false, true, false],
    ["fast 32x64x96 transB accumulate", 1, 32, 64, 96, false, true, false, false, true],
    ["fast batched 2x(16x32x48) transA, batched b", 2, 16, 32, 48, true, false, true, false, false],
    ["bias grad with the dW product: 3x(40x32x100) shared b accumulate + bias", 3, 40, 32, 100, false, false, false, true, true],
    ["bias grad with the dW product, 4 row blocks, ragged columns: 2x(64x128x200) + bias", 2, 64, 128, 200, false, false, false, true, false],
  ];
  test.each(cases)("%s", async (_name, batch, M, K, N, transA, transB, bBatched, withBias, accumulate) => {
    const r = rt!;
    const d: MatmulDims = { batch, M, N, K, bBatched };
    const o: MatmulOpts = { transA, transB };
    const nb = (bBatched ? batch : 1) * K * N;
    const a = rand(batch * M * K, 11), b = rand(nb, 12), dout = rand(batch * M * N, 13);
    const da0 = rand(a.length, 14), db0 = rand(nb, 15), dbias0 = rand(N, 16);
    const [da, db, dbias] = [da0.slice(), db0.slice(), dbias0.slice()];
    matmulBackwardRef(da, db, withBias ? dbias : null, dout, a, b, d, o, accumulate);
    const [gda, gdb, gdbias] = [upload(r, da0), upload(r, db0), upload(r, dbias0)];
    matmulBackward(r, gda, gdb, withBias ? gdbias : null, upload(r, dout), upload(r, a), upload(r, b), d, o, accumulate);
    expect(relErr(await download(r, gda, da.length), da)).toBeLessThan(TOL);
    expect(relErr(await download(r, gdb, db.length), db)).toBeLessThan(TOL);
    if (withBias) expect(relErr(await download(r, gdbias, N), dbias)).toBeLessThan(TOL);
  }, TIMEOUT);
});

describe.skipIf(!rt)("bias gradients", () => {
  test("on a software adapter the bias gradient of a linear layer costs no dispatch of its own", () => {
    const r = rt!;
    if (!r.software) return console.log("skipping: the column sums ride on tex.wgsl, used on software adapters");
    const [M, K, N] = [48, 64, 96];
    const d: MatmulDims = { batch: 1, M, N, K, bBatched: false };
    const o: MatmulOpts = { transA: false, transB: false };
    const [a, b, dout] = [upload(r, rand(M * K, 31)), upload(r, rand(K * N, 32)), upload(r, rand(M * N, 33))];
    const count = (withBias: boolean): number => {
      const d0 = r.dispatches;
      matmulBackward(r, upload(r, new Float32Array(M * K)), upload(r, new Float32Array(K * N)), withBias ? upload(r, new Float32Array(N)) : null, dout, a, b, d, o);
      return r.dispatches - d0;
    };
    expect(count(true)).toBe(count(false));
  }, TIMEOUT);
});

describe.skipIf(!rt)("determinism", () => {
  test("the same inputs give bitwise-identical outputs run to run", async () => {
    const r = rt!;
    const [M, K, N] = [40, 68, 136];
    const a = upload(r, rand(M * K, 21)), b = upload(r, rand(K * N, 22));
    const runOnce = async () => {
      const out = upload(r, new Float32Array(M * N));
      matmulForward(r, out, a, b, null, { batch: 1, M, N, K, bBatched: false }, { transA: false, transB: false });
      return download(r, out, M * N);
    };
    expect(Array.from(await runOnce())).toEqual(Array.from(await runOnce()));
  }, TIMEOUT);
});

describe.skipIf(!rt)("products too tall for a texture", () => {
  test("a product with more rows than maxTextureDimension2D still matches the reference (storage-buffer kernel)", async () => {
    const r = rt!;
    const M = r.limits.maxTextureDimension2D + 3, K = 8, N = 4;
    const a = rand(M * K, 41), b = rand(K * N, 42);
    const want = new Float32Array(M * N);
    matmulForwardRef(want, a, b, null, { batch: 1, M, N, K, bBatched: false }, { transA: false, transB: false });
    const out = upload(r, new Float32Array(M * N));
    matmulForward(r, out, upload(r, a), upload(r, b), null, { batch: 1, M, N, K, bBatched: false }, { transA: false, transB: false });
    expect(relErr(await download(r, out, M * N), want)).toBeLessThan(TOL);
  }, TIMEOUT);
});
