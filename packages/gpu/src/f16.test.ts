// The f16 storage option around the kernels: every op outside F16_OPS refuses f16 inputs with a DTypeError naming
// the op (nothing reads a 2-byte buffer as 4-byte f32), f16 needs shader-f16 on WebGPU (F16UnsupportedError), the
// optimizer keeps f32 parameters, and memory estimates count 2 bytes per f16 element.
import { describe, expect, test } from "bun:test";
import { createCpuBackend } from "./cpu-backend.ts";
import { DTypeError, F16UnsupportedError } from "./errors.ts";
import { getDevice, metaDevice } from "./get-device.ts";
import { checkFits, estimateMemory } from "./memory.ts";
import type { MetaBackend } from "./meta-backend.ts";
import { ops } from "./ops/index.ts";
import { adamw, adamwState, clipGradNorm } from "./optim.ts";
import { Device, type Tensor } from "./tensor.ts";
import { testDevice } from "./testing.ts";

const dev = await getDevice({ backend: "cpu" });
const HINT = 'cast to f32 first: ops.cast(x, "f32") (f16 storage works with cast, add, mul, scale, gelu, silu, reshape)';
const h = (shape: number[], name = "h"): Tensor => dev.zeros(shape, "f16", { name });
const f = (shape: number[], name = "w"): Tensor => dev.zeros(shape, "f32", { name });
const ids = dev.tensor(new Int32Array(4), [4], { name: "ids" });

const REFUSED: [string, string, () => unknown][] = [
  ["matmul", "h [2,3] f16", () => ops.matmul(h([2, 3]), f([3, 4]))],
  ["matmul", "bias [4] f16", () => ops.matmul(f([2, 3], "a"), f([3, 4]), { bias: h([4], "bias") })],
  ["attention", "qkv [1,2,12] f16", () => ops.attention(h([1, 2, 12], "qkv"), 2)],
  ["rope", "qkv [1,2,12] f16", () => ops.rope(h([1, 2, 12], "qkv"), 2)],
  ["layerNorm", "h [2,4] f16", () => ops.layerNorm(h([2, 4]), f([4]), f([4], "b"))],
  ["rmsNorm", "w [4] f16", () => ops.rmsNorm(f([2, 4], "x"), h([4], "w"))],
  ["softmax", "h [2,4] f16", () => ops.softmax(h([2, 4]))],
  ["swiglu", "h [4] f16", () => ops.swiglu(h([4]), h([4], "up"))],
  ["sum", "h [4] f16", () => ops.sum(h([4]))],
  ["mean", "h [4] f16", () => ops.mean(h([4]))],
  ["max", "h [4] f16", () => ops.max(h([4]))],
  ["dropout", "h [4] f16", () => ops.dropout(h([4]), 0.1, 1)],
  ["embedding", "table [5,3] f16", () => ops.embedding(ids, h([5, 3], "table"))],
  ["crossEntropy", "logits [4,5] f16", () => ops.crossEntropy(h([4, 5], "logits"), ids)],
  ["crossEntropy", "mask [4] f16", () => ops.crossEntropy(f([4, 5], "logits"), ids, { mask: h([4], "mask") })],
  ["lstm", "xProj [1,2,8] f16", () => ops.lstm(h([1, 2, 8], "xProj"), f([2, 8]))],
  ["gru", "wh [2,6] f16", () => ops.gru(f([1, 2, 6], "xProj"), h([2, 6], "wh"))],
];

describe("ops without f16 support refuse f16 inputs", () => {
  test.each(REFUSED)("%s refuses %s with a DTypeError naming the op and the cast hint", (op, what, run) => {
    expect(run).toThrow(DTypeError);
    expect(run).toThrow(`${op}: ${what} is f16, which ${op} does not support. Hint: ${HINT}`);
  });

  test("add refuses mixing f16 and f32 and says which cast fixes it", () => {
    expect(() => ops.add(h([3], "a"), f([3], "b"))).toThrow(
      'add: b [3] f32 is f32, but a [3] f16 is f16 and add takes inputs of one dtype. Hint: cast one of them, e.g. ops.cast(b, "f16")',
    );
  });

  test("cast refuses i32 token ids", () => {
    expect(() => ops.cast(ids, "f16")).toThrow("cast: ids [4] i32 is i32, which cast does not support. Hint: cast converts float tensors between f32 and f16; token ids stay i32");
  });

  test("adamw and clipGradNorm refuse f16 parameters (keep f32 master weights)", async () => {
    const p = dev.zeros([3], "f16", { name: "w16", requiresGrad: true });
    const msg = 'w16 (3) f16 is f16, which adamw does not support. Hint: keep parameters f32 and cast them in the forward pass (ops.cast(w, "f16"))';
    expect(() => adamw([p], adamwState([p]), { lr: 1e-3 })).toThrow(`adamw: ${msg}`);
    expect(clipGradNorm([p], 1)).rejects.toThrow(DTypeError);
  });

  test("on WebGPU, matmul refuses an f16 input before any kernel runs", async () => {
    const gpu = await testDevice();
    if (!gpu?.supportsF16) return console.warn("[@lathe/gpu] skipped: no WebGPU adapter with shader-f16");
    const a = gpu.zeros([2, 3], "f16", { name: "a" });
    expect(() => ops.matmul(a, gpu.zeros([3, 2]))).toThrow("matmul: a [2,3] f16 is f16, which matmul does not support.");
    expect(Array.from(await ops.cast(a, "f32").read())).toEqual([0, 0, 0, 0, 0, 0]);
  });
});

describe("f16 needs shader-f16", () => {
  const noF16 = new Device({ ...createCpuBackend(), supportsF16: false, adapterName: "Test adapter without f16" });

  test("making an f16 tensor without shader-f16 throws an F16UnsupportedError naming the feature and the adapter", () => {
    const x = noF16.tensor([1, 2, 3, 4], [2, 2], { name: "x" });
    expect(noF16.supportsF16).toBe(false);
    expect(() => ops.cast(x, "f16")).toThrow(F16UnsupportedError);
    expect(() => ops.cast(x, "f16")).toThrow(
      'x.f16 (2,2) f16: f16 tensors need the WebGPU feature "shader-f16", which adapter Test adapter without f16 does not have. Hint: keep this tensor f32 (the default), or run on an adapter that lists shader-f16 (bun run lathe doctor).',
    );
    expect(() => noF16.zeros([3], "f16", { name: "z" })).toThrow("z (3) f16: f16 tensors need");
  });
});

describe("memory counts 2 bytes per f16 element", () => {
  test.each([
    [[1000, 1000], "f16", 2_000_000],
    [[1000, 1000], "f32", 4_000_000],
    [[3], "f16", 8], // 6 bytes, whole 4-byte words as the WebGPU backend allocates
    [[4], "f16", 8],
  ] as const)("estimateMemory of %p %s is %i bytes", (shape, dtype, bytes) => {
    expect(estimateMemory([{ name: "t", shape, dtype }]).tensors[0].bytes).toBe(bytes);
  });

  test("an f16 tensor that fits where its f32 twin would not passes checkFits, and errors name the dtype", () => {
    const limits = { maxStorageBufferBindingSize: 128 * 2 ** 20, maxBufferSize: 256 * 2 ** 20 };
    const shape = [8, 1024, 6000]; // 49152000 elements: 98 MB as f16, 197 MB as f32
    expect(checkFits([{ name: "logits", shape, dtype: "f16" }], limits).largest).toEqual({ name: "logits", bytes: 98304000 });
    expect(() => checkFits([{ name: "logits", shape, dtype: "f32" }], limits)).toThrow("logits (8,1024,6000) f32 needs 196608000 bytes");
    expect(() => checkFits([{ name: "big", shape: [80_000_000], dtype: "f16" }], limits)).toThrow("big (80000000) f16 needs 160000000 bytes");
  });

  test("the meta device allocates 2 bytes per f16 element", () => {
    const meta = metaDevice({ maxStorageBufferBindingSize: 2 ** 20, maxBufferSize: 2 ** 20 });
    const w = meta.randn([100, 16], 0.02, 1, { name: "w" });
    const w16 = ops.cast(w, "f16");
    expect((meta.backend as MetaBackend).meta().largest).toEqual({ what: "w (100,16) f32", bytes: 6400 });
    w.dispose();
    expect(w16.dtype).toBe("f16");
    expect((meta.backend as MetaBackend).meta().liveBytes).toBe(3584); // 3200 bytes, in the pool size class above 2048 (steps of 512); the f32 twin takes 7168
  });
});
