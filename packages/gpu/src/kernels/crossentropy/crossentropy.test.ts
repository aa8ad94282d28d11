// Cross-entropy: hand-checked values, ignored rows, and a batch with every row ignored (loss 0, zero gradient).
import { describe, expect, test } from "bun:test";
import { backward } from "../../autograd.ts";
import { getDevice } from "../../get-device.ts";
import { ops } from "../../ops/index.ts";
import type { Device } from "../../tensor.ts";
import { testDevice } from "../../testing.ts";

const devices: [string, Device | null][] = [["cpu", await getDevice({ backend: "cpu" })], ["webgpu", await testDevice()]];

describe.each(devices)("crossEntropy on %s", (_name, dev) => {
  test.skipIf(!dev)("uniform logits give log(V) and ignored rows do not count", async () => {
    const logits = dev!.zeros([3, 4]);
    const loss = ops.crossEntropy(logits, dev!.tensor(Int32Array.from([1, -1, 3]), [3]));
    expect((await loss.read())[0]).toBeCloseTo(Math.log(4), 5);
  });

  test.skipIf(!dev)("a mask weights rows and the mean divides by the mask sum", async () => {
    const logits = dev!.tensor([0, 0, Math.log(3), 0], [2, 2]);
    const mask = dev!.tensor([0, 1], [2]);
    const loss = ops.crossEntropy(logits, dev!.tensor(Int32Array.from([0, 0]), [2]), { mask });
    expect((await loss.read())[0]).toBeCloseTo(Math.log(4 / 3), 5);
  });

  test.skipIf(!dev)("when every row is ignored the loss and its gradient are zero", async () => {
    const logits = dev!.randn([2, 5], 1, 3, { requiresGrad: true });
    const loss = ops.crossEntropy(logits, dev!.tensor(Int32Array.from([-100, -100]), [2]), { ignoreIndex: -100 });
    expect((await loss.read())[0]).toBe(0);
    backward(loss);
    expect(Array.from(await logits.grad!.read()).every((v) => v === 0)).toBe(true);
  });
});
