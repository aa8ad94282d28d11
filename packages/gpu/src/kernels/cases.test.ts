// The shared case table on WebGPU: each op's output and input gradients against the CPU backend, and
// bitwise determinism run to run. Skips (with the reason printed) when no adapter exists.
import { describe, expect, test } from "bun:test";
import { backward } from "../autograd.ts";
import { getDevice } from "../get-device.ts";
import { ops } from "../ops/index.ts";
import type { Device, Tensor } from "../tensor.ts";
import { testDevice } from "../testing.ts";
import { type OpCase, opCases } from "./cases.ts";

const cpu = await getDevice({ backend: "cpu" });
const gpu = await testDevice();

/** Output and the gradient of every grad input for loss = sum(out * r), r fixed. */
async function runCase(dev: Device, c: OpCase): Promise<Float32Array[]> {
  return dev.tidy(async () => {
    const inputs = c.inputs(dev);
    const out = c.run(inputs);
    const r = dev.randn(out.shape, 1, 99);
    backward(ops.sum(ops.mul(out, r)));
    const res = [(await out.read()) as Float32Array];
    for (const x of inputs) if (x.requiresGrad && x.dtype === "f32") res.push((await x.grad!.read()) as Float32Array);
    for (const x of inputs) x.dispose();
    return res;
  });
}

function maxRelErr(got: Float32Array, want: Float32Array): number {
  let e = 0;
  for (let i = 0; i < want.length; i++) e = Math.max(e, Math.abs(got[i] - want[i]) / Math.max(1, Math.abs(want[i])));
  return e;
}

describe.skipIf(!gpu)("WebGPU ops match the CPU reference", () => {
  test.each(opCases().map((c) => [c.name, c] as const))("%s", async (_n, c) => {
    const want = await runCase(cpu, c);
    const got = await runCase(gpu!, c);
    expect(got.length).toBe(want.length);
    got.forEach((g, i) => {
      expect(g.length).toBe(want[i].length);
      expect(maxRelErr(g, want[i])).toBeLessThanOrEqual(c.tol ?? 2e-4);
    });
  });
});

describe.skipIf(!gpu)("WebGPU ops are bitwise deterministic run to run", () => {
  test.each(opCases().filter((_, i) => i % 3 === 0).map((c) => [c.name, c] as const))("%s", async (_n, c) => {
    const a = await runCase(gpu!, c);
    const b = await runCase(gpu!, c);
    a.forEach((x, i) => expect(Buffer.from(x.buffer).equals(Buffer.from(b[i].buffer))).toBe(true));
  });
});

test("a tensor over maxStorageBufferBindingSize fails with a CapacityError naming it", () => {
  if (!gpu) return;
  const lim = (gpu.backend as unknown as { runtime: { limits: GPUSupportedLimits } }).runtime.limits.maxStorageBufferBindingSize;
  const n = Math.floor(lim / 4) + 1;
  expect(() => gpu.empty([n], "f32", { name: "logits" })).toThrow(`logits (${n}) f32 needs ${n * 4} bytes`);
});

export type { Tensor };
