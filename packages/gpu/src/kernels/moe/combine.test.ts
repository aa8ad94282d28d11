// moeCombine: a worked example (gate-weighted sum, dropped assignments add nothing), and the op on each backend
// against the reference, forward and both gradients, on odd shapes with dropped and shared slots.
import { describe, expect, test } from "bun:test";
import { backward } from "../../autograd.ts";
import { ops } from "../../ops/index.ts";
import { devices, maxRelErr, rand, randInts } from "./fixtures.ts";
import { moeCombineBackwardRef, moeCombineForwardRef } from "./reference.ts";

/** Sums of k products (forward, dy) or C products (dgates) in f32: a few ulps of the partial sums. */
const TOL = 1e-5;

// [N, k, S, C]: single assignment, k = 1, odd sizes, C past one 256-lane workgroup, many tokens.
const shapes: [number, number, number, number][] = [[1, 1, 1, 1], [5, 1, 4, 3], [7, 3, 12, 33], [4, 2, 9, 300], [257, 2, 300, 5]];

describe.each(devices)("moeCombine on %s", (_name, dev) => {
  test.skipIf(!dev)("each token sums its experts' rows weighted by its gates; a dropped one adds nothing", async () => {
    const y = dev!.tensor([1, 2, 10, 20, 100, 200], [3, 2], { requiresGrad: true });
    const gates = dev!.tensor([0.75, 0.25, 0.5, 0.5], [2, 2], { requiresGrad: true });
    const out = ops.moeCombine(y, dev!.tensor(Int32Array.from([2, 0, 1, -1]), [2, 2]), gates);
    expect(Array.from(await out.read())).toEqual([75.25, 150.5, 5, 10]);
    backward(ops.sum(ops.mul(out, dev!.tensor([1, 2, 3, 4], [2, 2]))));
    expect(Array.from(await y.grad!.read())).toEqual([0.25, 0.5, 1.5, 2, 0.75, 1.5]);
    expect(Array.from(await gates.grad!.read())).toEqual([500, 5, 110, 0]);
  });

  test.skipIf(!dev).each(shapes.map((s) => [s.join(","), ...s] as const))("N,k,S,C = %s: output, dy and dgates match the reference", async (_s, N, k, S, C) => {
    const [yv, gv, r] = [rand(S * C, S + C), rand(N * k, N * 3 + 1), rand(N * C, 9)];
    const slotOf = randInts(N * k, N * k + S, -1, S + 1); // dropped (-1, S) and slots shared by several assignments
    const [wantOut, wantDy, wantDg] = [new Float32Array(N * C), new Float32Array(S * C), new Float32Array(N * k)];
    moeCombineForwardRef(wantOut, yv, slotOf, gv, N, k, S, C);
    moeCombineBackwardRef(wantDy, wantDg, r, yv, slotOf, gv, N, k, S, C);
    const y = dev!.tensor(yv, [S, C], { requiresGrad: true });
    const gates = dev!.tensor(gv, [N, k], { requiresGrad: true });
    const out = ops.moeCombine(y, dev!.tensor(slotOf, [N, k]), gates);
    expect(out.shape).toEqual([N, C]);
    expect(maxRelErr(await out.read(), wantOut)).toBeLessThan(TOL);
    backward(ops.sum(ops.mul(out, dev!.tensor(r, [N, C]))));
    expect(maxRelErr(await y.grad!.read(), wantDy)).toBeLessThan(TOL);
    expect(maxRelErr(await gates.grad!.read(), wantDg)).toBeLessThan(TOL);
  });

  test.skipIf(!dev)("gates of another shape than slotOf are refused with both named", () => {
    const slotOf = dev!.zeros([4, 2], "i32", { name: "slotOf" });
    expect(() => ops.moeCombine(dev!.zeros([8, 3]), slotOf, dev!.zeros([4, 3], "f32", { name: "gates" }))).toThrow(
      "moeCombine: gates [4,3] f32 does not match slotOf [4,2] i32. Hint: pass moeRoute's gates with moeDispatch's slotOf, both (N,k)",
    );
  });
});
