// Behaviour of the tensor API on the CPU backend: tidy, grad accumulation, AdamW, clipping, sampling, errors.
import { describe, expect, test } from "bun:test";
import { adamw, adamwState, backward, clipGradNorm, getDevice, mulberry32, noGrad, ops, sampleLogits, ShapeError, zeroGrad } from "./index.ts";

const dev = await getDevice({ backend: "cpu" });

describe("tensors and autograd", () => {
  test("backward accumulates into an existing .grad and zeroGrad clears it", async () => {
    const w = dev.tensor([1, 2, 3], [3], { requiresGrad: true, name: "w" });
    backward(ops.sum(ops.scale(w, 2)));
    backward(ops.sum(ops.scale(w, 2)));
    expect(Array.from(await w.grad!.read())).toEqual([4, 4, 4]);
    zeroGrad([w]);
    expect(w.grad).toBeNull();
  });

  test("noGrad records nothing", () => {
    const w = dev.tensor([1, 2], [2], { requiresGrad: true });
    const y = noGrad(() => ops.gelu(w));
    expect(y.requiresGrad).toBe(false);
    expect(y.node).toBeNull();
  });

  test("tidy disposes intermediates but keeps the result and leaf grads", () => {
    const w = dev.tensor([1, 2], [2], { requiresGrad: true });
    let inner: ReturnType<typeof ops.gelu> | null = null;
    const loss = dev.tidy(() => {
      inner = ops.gelu(w);
      const l = ops.sum(inner);
      backward(l);
      return l;
    });
    expect(inner!.disposed).toBe(true);
    expect(loss.disposed).toBe(false);
    expect(w.grad?.disposed).toBe(false);
  });

  test("reshape shares data and a disposed view leaves the source readable", async () => {
    const x = dev.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const v = ops.reshape(x, [3, -1]);
    expect(v.shape).toEqual([3, 2]);
    v.dispose();
    expect(Array.from(await x.read())).toEqual([1, 2, 3, 4, 5, 6]);
  });

  test("randn is the same on every call with the same seed", async () => {
    expect(await dev.randn([5], 0.02, 7).read()).toEqual(await dev.randn([5], 0.02, 7).read());
  });
});

describe("errors name the op, the shapes and a hint", () => {
  test("matmul inner dims", () => {
    const a = dev.zeros([2, 3], "f32", { name: "a" });
    const b = dev.zeros([4, 5], "f32", { name: "b" });
    expect(() => ops.matmul(a, b)).toThrow(new ShapeError("matmul", "a [2,3] f32 @ b [4,5] f32: inner dims 3 != 4", "check transA/transB and the weight layout"));
    expect(() => ops.matmul(a, b)).toThrow("matmul: a [2,3] f32 @ b [4,5] f32: inner dims 3 != 4. Hint: check transA/transB and the weight layout");
  });
  test("embedding needs i32 ids", () => {
    const ids = dev.zeros([2], "f32", { name: "ids" });
    const t = dev.zeros([4, 3], "f32", { name: "wte" });
    expect(() => ops.embedding(ids, t)).toThrow("embedding: ids [2] f32 must be i32. Hint: token ids are Int32Array tensors");
  });
});

describe("optimizer", () => {
  test("adamw's first step moves each weight by lr against the gradient sign (plus decay)", async () => {
    const p = dev.tensor([1, -2, 0.5], [3], { requiresGrad: true });
    backward(ops.sum(ops.mul(p, dev.tensor([3, -1, 0.25], [3]))));
    const st = adamwState([p]);
    adamw([p], st, { lr: 0.1, weightDecay: 0.1, eps: 0 });
    const got = Array.from(await p.read());
    const want = [1 - 0.1 * (1 + 0.1 * 1), -2 - 0.1 * (-1 + 0.1 * -2), 0.5 - 0.1 * (1 + 0.1 * 0.5)];
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i], 5));
    expect(st.step).toBe(1);
  });

  test("clipGradNorm returns the global norm and scales grads down to maxNorm", async () => {
    const a = dev.tensor([0, 0], [2], { requiresGrad: true });
    const b = dev.tensor([0], [1], { requiresGrad: true });
    backward(ops.add(ops.sum(ops.mul(a, dev.tensor([3, 0], [2]))), ops.sum(ops.scale(b, 4))));
    expect(await clipGradNorm([a, b], 1)).toBeCloseTo(5, 5);
    expect((await a.grad!.read())[0]).toBeCloseTo(0.6, 5);
    expect((await b.grad!.read())[0]).toBeCloseTo(0.8, 5);
  });

  test.each([
    [{ temperature: 0 }, 2],
    [{ temperature: 1, topK: 1 }, 2],
    [{ temperature: 1, topP: 0.01 }, 2],
  ])("sampleLogits with %p picks the top token", (opts, want) => {
    expect(sampleLogits(new Float32Array([0.1, 1, 3, -1]), opts, mulberry32(1))).toBe(want);
  });

  test("sampleLogits with topK 2 never picks outside the top 2", () => {
    const rng = mulberry32(5);
    for (let i = 0; i < 200; i++) expect([1, 2]).toContain(sampleLogits(new Float32Array([0.1, 1, 1.2, -1]), { temperature: 1, topK: 2 }, rng));
  });
});
