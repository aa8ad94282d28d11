// groupedMatmul: the op on each backend against the reference (forward with and without bias, dx, dw, dbias) on odd
// and texel-friendly shapes, equality with one ops.matmul per expert, one dispatch for all experts' products on
// WebGPU, and shape errors.
import { describe, expect, test } from "bun:test";
import { backward, noGrad } from "../../autograd.ts";
import { ops } from "../../ops/index.ts";
import type { WebGpuBackend } from "../../webgpu-backend.ts";
import { devices, maxRelErr, rand } from "./fixtures.ts";
import { type GroupedDims, groupedMatmulBackwardRef, groupedMatmulForwardRef } from "./reference.ts";

/** Sums of up to 128 products of values in [-1,1] in f32 against f64: max |got - want| / (1 + |want|). */
const TOL = 5e-5;

// [E, R, I, O]: all ones, odd sizes, one row per expert, texel-friendly (I, O multiples of 64 or 96), a wide O.
const shapes: [number, number, number, number][] = [[1, 1, 1, 1], [3, 5, 7, 9], [2, 1, 33, 4], [4, 17, 64, 96], [2, 64, 128, 64], [3, 9, 20, 130]];
const table = shapes.flatMap((s) => [[`${s.join("x")}`, s, false], [`${s.join("x")} + bias`, s, true]] as const);

describe.each(devices)("groupedMatmul on %s", (_name, dev) => {
  test.skipIf(!dev).each(table)("%s: output and dx, dw, dbias match the reference", async (_s, [E, R, I, O], withBias) => {
    const d: GroupedDims = { E, R, I, O };
    const [xv, wv, bv, r] = [rand(E * R * I, E * R + I), rand(E * I * O, I * O + 3), rand(E * O, O + 5), rand(E * R * O, 11)];
    const want = new Float32Array(E * R * O);
    groupedMatmulForwardRef(want, xv, wv, withBias ? bv : null, d);
    const [dx, dw, db] = [new Float32Array(E * R * I), new Float32Array(E * I * O), new Float32Array(E * O)];
    groupedMatmulBackwardRef(dx, dw, withBias ? db : null, r, xv, wv, d);
    const x = dev!.tensor(xv, [E, R, I], { requiresGrad: true });
    const w = dev!.tensor(wv, [E, I, O], { requiresGrad: true });
    const bias = withBias ? dev!.tensor(bv, [E, O], { requiresGrad: true }) : null;
    const y = ops.groupedMatmul(x, w, { bias });
    expect(y.shape).toEqual([E, R, O]);
    expect(maxRelErr(await y.read(), want)).toBeLessThan(TOL);
    backward(ops.sum(ops.mul(y, dev!.tensor(r, [E, R, O]))));
    expect(maxRelErr(await x.grad!.read(), dx)).toBeLessThan(TOL);
    expect(maxRelErr(await w.grad!.read(), dw)).toBeLessThan(TOL);
    if (bias) expect(maxRelErr(await bias.grad!.read(), db)).toBeLessThan(TOL);
  });

  test.skipIf(!dev)("each expert's rows equal ops.matmul of its own slices", async () => {
    const [E, R, I, O] = [3, 10, 24, 40];
    const [xv, wv, bv] = [rand(E * R * I, 1), rand(E * I * O, 2), rand(E * O, 3)];
    const y = (await noGrad(() => ops.groupedMatmul(dev!.tensor(xv, [E, R, I]), dev!.tensor(wv, [E, I, O]), { bias: dev!.tensor(bv, [E, O]) })).read()) as Float32Array;
    for (let e = 0; e < E; e++) {
      const xe = dev!.tensor(xv.slice(e * R * I, (e + 1) * R * I), [R, I]);
      const we = dev!.tensor(wv.slice(e * I * O, (e + 1) * I * O), [I, O]);
      const ye = await noGrad(() => ops.matmul(xe, we, { bias: dev!.tensor(bv.slice(e * O, (e + 1) * O), [O]) })).read();
      expect(maxRelErr(y.subarray(e * R * O, (e + 1) * R * O), ye)).toBeLessThanOrEqual(1e-6);
    }
  });

  test.skipIf(!dev)("w or bias of the wrong shape is refused with the expected shape", () => {
    const x = dev!.zeros([2, 3, 4], "f32", { name: "xe" });
    expect(() => ops.groupedMatmul(x, dev!.zeros([2, 5, 6], "f32", { name: "w1" }))).toThrow(
      "groupedMatmul: w1 [2,5,6] f32 does not fit xe [2,3,4] f32: expected (2,4,O). Hint: w holds one (I,O) matrix per expert, in x's expert order",
    );
    expect(() => ops.groupedMatmul(x, dev!.zeros([2, 4, 6]), { bias: dev!.zeros([6], "f32", { name: "b1" }) })).toThrow("bias b1 [6] f32 must be (2,6)");
  });
});

const gpu = devices[1][1];

test.skipIf(!gpu)("all experts' products run in one dispatch", async () => {
  const [E, R, I, O] = [4, 16, 64, 64]; // operands copied into textures as stored: no packing dispatches
  const x = gpu!.tensor(rand(E * R * I, 4), [E, R, I]);
  const w = gpu!.tensor(rand(E * I * O, 5), [E, I, O]);
  const be = gpu!.backend as WebGpuBackend;
  const before = be.stats!().dispatches;
  const y = noGrad(() => ops.groupedMatmul(x, w));
  expect(be.stats!().dispatches - before).toBe(1);
  await y.read();
});
