// Embedding backward: repeated ids sum their rows in token order; rows no token uses get zero.
import { describe, expect, test } from "bun:test";
import { backward } from "../../autograd.ts";
import { getDevice } from "../../get-device.ts";
import { ops } from "../../ops/index.ts";
import type { Device } from "../../tensor.ts";
import { testDevice } from "../../testing.ts";

const devices: [string, Device | null][] = [["cpu", await getDevice({ backend: "cpu" })], ["webgpu", await testDevice()]];

describe.each(devices)("embedding on %s", (_name, dev) => {
  test.skipIf(!dev)("the gradient of a repeated id is the sum of its rows' gradients", async () => {
    const table = dev!.zeros([4, 2], "f32", { requiresGrad: true });
    const ids = dev!.tensor(Int32Array.from([2, 0, 2, 2]), [1, 4]);
    const w = dev!.tensor([1, 2, 3, 4, 5, 6, 7, 8], [1, 4, 2]);
    backward(ops.sum(ops.mul(ops.embedding(ids, table), w)));
    expect(Array.from(await table.grad!.read())).toEqual([3, 4, 0, 0, 1 + 5 + 7, 2 + 6 + 8, 0, 0]);
  });
});

describe.each(devices)("embedding on %s with ids outside the vocab", (_name, dev) => {
  test.skipIf(!dev)("an id outside [0,V) reads a zero row and receives no gradient", async () => {
    const table = dev!.tensor([1, 2, 3, 4], [2, 2], { requiresGrad: true });
    const ids = dev!.tensor(Int32Array.from([1, 7, -1]), [3]);
    const y = ops.embedding(ids, table);
    expect(Array.from(await y.read())).toEqual([3, 4, 0, 0, 0, 0]);
    backward(ops.sum(y));
    expect(Array.from(await table.grad!.read())).toEqual([0, 0, 1, 1]);
  });
});
