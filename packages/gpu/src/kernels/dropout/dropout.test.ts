// Dropout: the counter-based mask is bit-identical on CPU and WebGPU and keeps about 1-p of the elements.
import { expect, test } from "bun:test";
import { getDevice } from "../../get-device.ts";
import { ops } from "../../ops/index.ts";
import { testDevice } from "../../testing.ts";

const cpu = await getDevice({ backend: "cpu" });
const gpu = await testDevice();

test("dropout keeps about 1-p of the elements, scaled by 1/(1-p)", async () => {
  const x = cpu.full([10007], 1);
  const y = (await ops.dropout(x, 0.25, 42).read()) as Float32Array;
  const kept = y.filter((v) => v !== 0);
  expect(kept.length / y.length).toBeGreaterThan(0.73);
  expect(kept.length / y.length).toBeLessThan(0.77);
  expect(kept.every((v) => Math.abs(v - 1 / 0.75) < 1e-6)).toBe(true);
});

test("a different seed gives a different mask", async () => {
  const x = cpu.full([257], 1);
  expect(await ops.dropout(x, 0.5, 1).read()).not.toEqual(await ops.dropout(x, 0.5, 2).read());
});

test.skipIf(!gpu)("the WebGPU mask equals the CPU mask bit for bit", async () => {
  const data = (await cpu.randn([4099], 1, 9).read()) as Float32Array;
  const a = (await ops.dropout(cpu.tensor(data, [4099]), 0.1, 777).read()) as Float32Array;
  const b = (await ops.dropout(gpu!.tensor(data, [4099]), 0.1, 777).read()) as Float32Array;
  expect(Buffer.from(b.buffer).equals(Buffer.from(a.buffer))).toBe(true);
});
