// Fused epilogues: on a software adapter (tex.wgsl; shapes whose rows copy into textures as they are), GELU, its derivative, the residual add and the bias gradient
// ride on the products instead of running as passes of their own. (Their values: cases.ts, against the CPU backend.)
import { describe, expect, test } from "bun:test";
import { backward } from "../../autograd.ts";
import { ops } from "../../ops/index.ts";
import type { GpuBuf, Runtime } from "../../runtime.ts";
import { testDevice } from "../../testing.ts";
import { geluBackwardRef, geluForwardRef } from "../activation/reference.ts";
import { gemm, hasFastMatmul } from "./matmul.ts";
import { matmulForwardRef } from "./reference.ts";

const dev = await testDevice();

test("on a software adapter, a GELU MLP with a residual is 2 dispatches forward and 4 backward", async () => {
  if (!dev) return console.log("skipping: no WebGPU adapter");
  const rt = (dev.backend as unknown as { runtime: { software: boolean; dispatches: number } }).runtime;
  if (!rt.software) return console.log("skipping: the fused epilogues are tex.wgsl's, used on software adapters");
  const p = (shape: number[], seed: number) => dev.randn(shape, 0.3, seed, { requiresGrad: true });
  const [x, w1, b1, w2, b2, r] = [p([2, 16, 64], 1), p([64, 128], 2), p([128], 3), p([128, 64], 4), p([64], 5), p([2, 16, 64], 6)];
  const weights = dev.randn([2, 16, 64], 1, 7);
  /** Dispatches of backward() from sum(y * weights). */
  const backwardDispatches = (y: ReturnType<typeof p>): number => {
    const loss = ops.sum(ops.mul(y, weights));
    const d0 = rt.dispatches;
    backward(loss);
    return rt.dispatches - d0;
  };
  await dev.tidy(async () => {
    const lossOnly = backwardDispatches(p([2, 16, 64], 8));
    const d0 = rt.dispatches;
    const y = ops.geluMlp(x, w1, b1, w2, b2, { residual: r });
    expect(rt.dispatches - d0).toBe(2);
    // dW2 with db2, d pre with gelu', dX, dW1 with db1; r's grad is y's, passed through.
    expect(backwardDispatches(y) - lossOnly).toBe(4);
    await x.grad!.read();
  });
  expect(r.grad).not.toBeNull();
});

describe.skipIf(!dev)("GELU epilogues on every kernel path", () => {
  test.each([["tex"], ["fast"], ["general"]] as const)("the %s path: gelu and gelu' epilogues match the reference (fused on tex, a second pass elsewhere)", async (path) => {
    const rt = (dev!.backend as unknown as { runtime: Runtime }).runtime;
    if (path === "fast" && !hasFastMatmul(rt)) return console.log("skipping: no subgroups for fast.wgsl");
    const [M, K, N] = [24, 64, 128];
    const rnd = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + seed * 78.233) * 0.8);
    const a = rnd(M * K, 1), b = rnd(K * N, 2), bias = rnd(N, 3), pre2 = rnd(M * N, 4);
    const up = (x: Float32Array): GpuBuf => {
      const buf = rt.alloc(x.length * 4, "test");
      rt.write(buf, x);
      return buf;
    };
    const down = async (buf: GpuBuf, n: number) => new Float32Array(await rt.read(buf, n * 4));
    const g = { batch: 1, M, N, K, transA: false, transB: false, sA: 0, sB: 0, sC: 0 };
    const prod = new Float32Array(M * N);
    matmulForwardRef(prod, a, b, bias, { batch: 1, M, N, K, bBatched: false }, { transA: false, transB: false });
    const wantAct = new Float32Array(M * N);
    geluForwardRef(wantAct, prod, M * N);
    const wantD = new Float32Array(M * N);
    geluBackwardRef(wantD, prod, pre2, M * N);
    const [c, act, c2] = [up(new Float32Array(M * N)), up(new Float32Array(M * N)), up(new Float32Array(M * N))];
    gemm(rt, c, up(a), up(b), up(bias), g, false, path, null, { kind: "gelu", act });
    gemm(rt, c2, up(a), up(b), up(bias), g, false, path, null, { kind: "dgelu", pre: up(pre2) });
    const err = (x: Float32Array, y: Float32Array) => Math.max(...x.map((v, i) => Math.abs(v - y[i]) / (1 + Math.abs(y[i]))));
    expect(err(await down(c, M * N), prod)).toBeLessThan(2e-5);
    expect(err(await down(act, M * N), wantAct)).toBeLessThan(2e-5);
    expect(err(await down(c2, M * N), wantD)).toBeLessThan(2e-5);
  }, 120_000);
});
