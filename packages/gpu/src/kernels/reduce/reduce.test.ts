// Reductions: sum/mean/max of many elements against f64, and bitwise repeatable on WebGPU.
import { describe, expect, test } from "bun:test";
import { getDevice } from "../../get-device.ts";
import { ops } from "../../ops/index.ts";
import type { Device } from "../../tensor.ts";
import { testDevice } from "../../testing.ts";

const devices: [string, Device | null][] = [["cpu", await getDevice({ backend: "cpu" })], ["webgpu", await testDevice()]];
const n = 100_003;

describe.each(devices)("reductions on %s", (_name, dev) => {
  test.skipIf(!dev)("sum, mean and max of 100003 values match f64 within 1e-5 relative", async () => {
    const x = dev!.randn([n], 1, 5);
    const data = (await x.read()) as Float32Array;
    let s = 0;
    let m = -Infinity;
    for (const v of data) (s += v), (m = Math.max(m, v));
    expect(Math.abs((await ops.sum(x).read())[0] - s)).toBeLessThan(1e-5 * Math.max(1, Math.abs(s)) + 1e-3);
    expect((await ops.mean(x).read())[0]).toBeCloseTo(s / n, 5);
    expect((await ops.max(x).read())[0]).toBe(m);
  });

  test.skipIf(!dev)("the same sum is bitwise identical on every run", async () => {
    const x = dev!.randn([n], 1, 6);
    const a = (await ops.sum(x).read())[0];
    for (let i = 0; i < 3; i++) expect((await ops.sum(x).read())[0]).toBe(a);
  });
});

describe.each(devices)("clipGradNorm on %s", (_name, dev) => {
  test.skipIf(!dev)("the global norm over a large and a small gradient matches f64", async () => {
    const { clipGradNorm } = await import("../../optim.ts");
    const a = dev!.zeros([n], "f32", { requiresGrad: true });
    const b = dev!.zeros([3], "f32", { requiresGrad: true });
    a.grad = dev!.randn([n], 0.01, 7);
    b.grad = dev!.tensor([3, 0, 4], [3]);
    let ss = 25;
    for (const v of (await a.grad.read()) as Float32Array) ss += v * v;
    const norm = await clipGradNorm([a, b], 1e9);
    expect(Math.abs(norm - Math.sqrt(ss))).toBeLessThan(1e-5 * Math.sqrt(ss));
  });
});
