// WebGPU runtime behaviour: batching (a training step is a handful of submits), buffer reuse, pipeline errors
// that name the kernel, size classes. Skips with a printed reason when no adapter exists.
import { describe, expect, test } from "bun:test";
import { adamw, adamwState, backward, clipGradNorm, ops } from "./index.ts";
import { GpuKernelError } from "./errors.ts";
import { type Runtime, sizeClass } from "./runtime.ts";
import type { Device } from "./tensor.ts";
import { testDevice } from "./testing.ts";

const gpu = await testDevice();
const rt = (d: Device): Runtime => (d.backend as unknown as { runtime: Runtime }).runtime;

test.each([
  [1, 256],
  [256, 256],
  [257, 512],
  [1000, 1024],
  [1025, 1280],
  [3 * 2 ** 20 + 1, 3.5 * 2 ** 20],
])("sizeClass(%d) is %d", (n, want) => {
  expect(sizeClass(n)).toBe(want);
});

describe.skipIf(!gpu)("runtime", () => {
  async function step(dev: Device, params: ReturnType<Device["randn"]>[], st: ReturnType<typeof adamwState>): Promise<number> {
    return dev.tidy(async () => {
      const [wte, w1, b1, lnw, lnb] = params;
      const ids = dev.tensor(Int32Array.from([1, 5, 2, 7, 7, 3]), [2, 3]);
      const x = ops.layerNorm(ops.embedding(ids, wte), lnw, lnb);
      const h = ops.gelu(ops.matmul(x, w1, { bias: b1 }));
      const logits = ops.matmul(h, wte, { transB: true });
      const loss = ops.crossEntropy(ops.reshape(logits, [6, 11]), dev.tensor(Int32Array.from([5, 2, 7, 7, 3, 1]), [6]));
      backward(loss);
      await clipGradNorm(params, 1);
      adamw(params, st, { lr: 1e-2 });
      const v = (await loss.read())[0];
      for (const p of params) p.grad?.dispose(), (p.grad = null);
      return v;
    });
  }

  test("a training step is a handful of submits and the loss goes down", async () => {
    const dev = gpu!;
    const params = [
      dev.randn([11, 8], 0.5, 1, { requiresGrad: true, name: "wte" }),
      dev.randn([8, 8], 0.3, 2, { requiresGrad: true, name: "w1" }),
      dev.zeros([8], "f32", { requiresGrad: true, name: "b1" }),
      dev.full([8], 1, "f32", { requiresGrad: true, name: "lnw" }),
      dev.zeros([8], "f32", { requiresGrad: true, name: "lnb" }),
    ];
    const st = adamwState(params);
    const first = await step(dev, params, st);
    const before = dev.backend.stats!();
    let last = first;
    for (let i = 0; i < 4; i++) last = await step(dev, params, st);
    const after = dev.backend.stats!();
    expect((after.submits - before.submits) / 4).toBeLessThanOrEqual(4);
    expect(after.dispatches - before.dispatches).toBeGreaterThan(4 * 20);
    expect(last).toBeLessThan(first);
  });

  test("buffers are reused: repeated steps do not grow live memory", async () => {
    const dev = gpu!;
    const x = dev.randn([64, 32], 1, 3);
    const run = () => dev.tidy(() => void ops.gelu(ops.add(ops.scale(x, 2), x)));
    run();
    const live = dev.backend.stats!().liveBytes;
    for (let i = 0; i < 20; i++) run();
    await x.read();
    expect(dev.backend.stats!().liveBytes).toBeLessThanOrEqual(live); // GC of earlier tests' tensors may free more
  });

  test("a kernel that fails to compile surfaces as a GpuKernelError naming it", async () => {
    const r = rt(gpu!);
    const out = r.alloc(16, "probe (4) f32");
    r.dispatch({ name: "probe.broken", code: "@compute @workgroup_size(1) fn main() { let x: f32 = undefined_thing; }" }, [out], null, [1]);
    const err = await r.read(out, 16).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GpuKernelError);
    expect((err as GpuKernelError).kernel).toBe("probe.broken");
    expect((err as Error).message).toStartWith("kernel probe.broken: WebGPU validation error:");
    r.free(out);
    await r.checkErrors().catch(() => {});
  });
});

test.skipIf(!gpu)("using a destroyed device throws a DeviceLostError with a hint", async () => {
  const { getDevice } = await import("./get-device.ts");
  const dev = await getDevice({ backend: "webgpu" });
  const x = dev.full([4], 1);
  dev.destroy();
  expect(() => ops.scale(x, 2)).toThrow("WebGPU device lost (destroyed): the device was destroyed with destroy(). Hint: run 'bun run lathe doctor'; a lost device cannot be reused, create a new one with getDevice().");
});

test.skipIf(!gpu)("LATHE_GPU_PROFILE=1 reports GPU time and dispatch counts per kernel", async () => {
  const { getDevice } = await import("./get-device.ts");
  process.env.LATHE_GPU_PROFILE = "1";
  const dev = await getDevice({ backend: "webgpu" });
  delete process.env.LATHE_GPU_PROFILE;
  const x = dev.randn([257], 1, 1);
  await ops.gelu(ops.gelu(x)).read();
  const prof = await rt(dev).profile();
  dev.destroy();
  if (!prof) return; // adapter without timestamp-query
  expect(prof["activation.gelu"].count).toBe(2);
  expect(prof["activation.gelu"].ms).toBeGreaterThanOrEqual(0);
});

describe.skipIf(!gpu)("operand textures", () => {
  test("a matmul operand is copied once and reused until its bytes are written", async () => {
    const dev = gpu!;
    const r = rt(dev);
    if (!r.software) return console.log("skipping: operand textures belong to tex.wgsl, used on software adapters");
    const a = dev.randn([64, 64], 1, 1);
    const b = dev.randn([64, 64], 1, 2);
    const read = async (t: ReturnType<Device["randn"]>) => Array.from((await t.read()) as Float32Array);
    const first = ops.matmul(a, b);
    const want = await read(first);
    const reused = ops.matmul(a, b); // both operands from the kept textures
    expect(await read(reused)).toEqual(want);
    // A new value in a (written by a kernel, then by an upload) must reach the product.
    const doubled = ops.scale(a, 2);
    a.write((await doubled.read()) as Float32Array);
    expect((await read(ops.matmul(a, b))).map((v, i) => v - 2 * want[i]).every((d) => Math.abs(d) < 1e-3)).toBe(true);
    const c = dev.randn([64, 64], 1, 3);
    dev.backend.copy(a.buf, c.buf, a.size); // and a buffer-to-buffer copy into it
    const viaCopy = await read(ops.matmul(a, b));
    const cDirect = await read(ops.matmul(dev.randn([64, 64], 1, 3), b));
    expect(viaCopy).toEqual(cDirect);
    dev.backend.fill(a.buf, 0.5, a.size, "f32"); // and a kernel writing it
    expect(await read(ops.matmul(a, b))).toEqual(await read(ops.matmul(dev.full([64, 64], 0.5), b)));
  });
});
