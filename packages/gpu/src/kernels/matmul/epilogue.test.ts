// Fused epilogues: on a software adapter (tex.wgsl; shapes whose rows copy into textures as they are), GELU, its derivative, the residual add and the bias gradient
// ride on the products instead of running as passes of their own. (Their values: cases.ts, against the CPU backend.)
import { expect, test } from "bun:test";
import { backward } from "../../autograd.ts";
import { ops } from "../../ops/index.ts";
import { testDevice } from "../../testing.ts";

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
