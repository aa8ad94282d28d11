// AdamW: three fused WebGPU updates match the CPU reference.
import { expect, test } from "bun:test";
import { getDevice } from "../../get-device.ts";
import { adamw, adamwState } from "../../optim.ts";
import type { Device } from "../../tensor.ts";
import { testDevice } from "../../testing.ts";

const cpu = await getDevice({ backend: "cpu" });
const gpu = await testDevice();

async function run(dev: Device): Promise<Float32Array> {
  const p = dev.randn([1031], 1, 1, { requiresGrad: true });
  const st = adamwState([p]);
  for (let s = 0; s < 3; s++) {
    p.grad?.dispose();
    p.grad = dev.randn([1031], 1, 10 + s);
    adamw([p], st, { lr: 0.01, weightDecay: [0.1] });
  }
  return (await p.read()) as Float32Array;
}

test.skipIf(!gpu)("three WebGPU AdamW steps match the CPU reference within 1e-6", async () => {
  const want = await run(cpu);
  const got = await run(gpu!);
  for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-6 * Math.max(1, Math.abs(want[i])));
});
