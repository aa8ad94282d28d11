// Memory estimate and limit checks before allocating; doctor's text when no adapter exists.
import { describe, expect, test } from "bun:test";
import { backward } from "./autograd.ts";
import { metaDevice } from "./get-device.ts";
import type { MetaBackend } from "./meta-backend.ts";
import { ops } from "./ops/index.ts";
import { formatDoctor } from "./device.ts";
import { CapacityError } from "./errors.ts";
import { checkFits, estimateMemory } from "./memory.ts";

const limits = { maxStorageBufferBindingSize: 128 * 2 ** 20, maxBufferSize: 256 * 2 ** 20 };

test("estimateMemory sums pooled sizes and names the largest tensor", () => {
  const est = estimateMemory([
    { name: "wte", shape: [50304, 768] },
    { name: "qkv", shape: [8, 1024, 2304], count: 12 },
  ]);
  expect(est.largest).toEqual({ name: "wte", bytes: 50304 * 768 * 4 });
  expect(est.totalBytes).toBeGreaterThanOrEqual(50304 * 768 * 4 + 12 * 8 * 1024 * 2304 * 4);
});

test("checkFits names the tensor, its shape, bytes and the limit it exceeds", () => {
  const specs = [{ name: "logits", shape: [16, 1024, 50304] }];
  expect(() => checkFits(specs, limits)).toThrow(CapacityError);
  expect(() => checkFits(specs, limits)).toThrow(
    "logits (16,1024,50304) f32 needs 3296722944 bytes (3144.0 MiB), over the adapter's maxStorageBufferBindingSize of 134217728 bytes (128.0 MiB). Hint: lower batch size, context length or vocab/width, or run on an adapter with larger limits (bun run lathe doctor).",
  );
});

test("doctor without an adapter prints what was tried and the install command", () => {
  const text = formatDoctor({
    ok: false, adapter: null, backend: null, robust: false, niced: false, limits: {}, features: [], adapterFeatures: [],
    tried: ["vulkan: no adapter", "opengles: no adapter"], installHint: "run `bash scripts/setup.sh`",
  });
  expect(text).toBe("webgpu: no adapter\n  tried vulkan: no adapter\n  tried opengles: no adapter\n  fix: run `bash scripts/setup.sh`");
});

describe("metaDevice", () => {
  const step = (dev: ReturnType<typeof metaDevice>, V: number) => {
    const wte = dev.randn([V, 16], 0.02, 1, { requiresGrad: true, name: "wte" });
    dev.tidy(() => {
      const x = ops.embedding(dev.tensor(new Int32Array(8), [2, 4]), wte);
      const logits = ops.matmul(x, wte, { transB: true, });
      backward(ops.crossEntropy(ops.reshape(logits, [8, V]), dev.tensor(new Int32Array(8), [8])));
    });
    return wte;
  };

  test("a training step on the meta device reports its peak bytes and frees everything but the params", () => {
    const dev = metaDevice(limits);
    const wte = step(dev, 100);
    const m = (dev.backend as MetaBackend).meta();
    expect(m.peakBytes).toBeGreaterThan(2 * 100 * 16 * 4);
    expect(m.largest).toEqual({ what: "wte (100,16) f32", bytes: 6400 });
    wte.dispose();
    expect((dev.backend as MetaBackend).meta().liveBytes).toBe(0);
  });

  test("a tensor over the limit throws the CapacityError the GPU would", () => {
    const dev = metaDevice({ maxStorageBufferBindingSize: 4096, maxBufferSize: 8192 });
    expect(() => step(dev, 100)).toThrow("wte (100,16) f32 needs 6400 bytes");
  });
});
