// Every backward of the CPU backend against central finite differences of a random projection of the output.
import { describe, expect, test } from "bun:test";
import { backward, noGrad } from "../autograd.ts";
import { getDevice } from "../get-device.ts";
import { ops } from "../ops/index.ts";
import type { Tensor } from "../tensor.ts";
import { opCases } from "./cases.ts";

const dev = await getDevice({ backend: "cpu" });

/** loss = sum(out * r) in f64 on the host. */
async function projected(out: Tensor, r: Float32Array): Promise<number> {
  const v = await out.read();
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * r[i];
  return s;
}

describe("CPU backward matches central finite differences", () => {
  test.each(opCases().filter((c) => !c.noGradcheck).map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const inputs = c.inputs(dev);
    const out0 = noGrad(() => c.run(inputs));
    const r = (await dev.randn(out0.shape, 1, 99).read()) as Float32Array;
    const rt = dev.tensor(r, out0.shape);
    const loss = ops.sum(ops.mul(c.run(inputs), rt));
    backward(loss);
    const h = 1e-2;
    for (const x of inputs) {
      if (!x.requiresGrad || x.dtype !== "f32") continue;
      expect(x.grad).not.toBeNull();
      const grad = (await x.grad!.read()) as Float32Array;
      const data = (await x.read()) as Float32Array;
      const picks = Array.from({ length: Math.min(x.size, 12) }, (_, k) => Math.floor((k * x.size) / Math.min(x.size, 12)));
      for (const i of picks) {
        const orig = data[i];
        data[i] = orig + h;
        x.write(data);
        const lp = await projected(noGrad(() => c.run(inputs)), r);
        data[i] = orig - h;
        x.write(data);
        const lm = await projected(noGrad(() => c.run(inputs)), r);
        data[i] = orig;
        x.write(data);
        const num = (lp - lm) / (2 * h);
        expect(Math.abs(grad[i] - num)).toBeLessThanOrEqual(2e-2 * Math.max(1, Math.abs(num)));
      }
    }
  });
});
