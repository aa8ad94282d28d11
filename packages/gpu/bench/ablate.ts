// Times matmul kernels on square products to take them apart (bench/tex-variants.ts lists tex.wgsl's blocks and
// ablations). A kernel binds either like fast.wgsl (C, A, B, bias, params) or, with layout "tex", like tex.wgsl
// (C, A texture, B texture, bias, params). Prints GFLOP/s from timestamp queries around the dispatches (slept
// through, so Dawn's polling does not share the cores), wall GFLOP/s, GFLOP per CPU-second, the first run's ms
// (lavapipe compiles then), and with --check the max error on a sample of outputs (ablated kernels are wrong on
// purpose). Best of --rounds (3) runs of --reps (3) dispatches.
// Run: bun packages/gpu/bench/ablate.ts <module exporting `kernels: AblateKernel[]`> [--size 1024] [--only a,b] [--check]
import { openRawDevice } from "./raw-device.ts";

export interface AblateKernel {
  name: string;
  wgsl: string;
  rowsPerWg: number;
  colsPerWg: number;
  /** "tex": bindings and params of tex.wgsl; default: those of fast.wgsl. */
  layout?: "tex";
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const mod = await import(process.argv[2]!.startsWith("/") ? process.argv[2]! : `${process.cwd()}/${process.argv[2]}`);
const kernels: AblateKernel[] = mod.kernels;
const only = arg("only")?.split(",");
const size = Number(arg("size") ?? 1024);
const reps = Number(arg("reps") ?? 3);
const raw = await openRawDevice({ robust: !process.argv.includes("--fast") });
if (!raw) throw new Error("no adapter");
const dev = raw.device;
const S = GPUBufferUsage.STORAGE;
const n = size;
const rnd = (len: number, seed: number) => {
  const out = new Float32Array(len);
  let s = seed;
  for (let i = 0; i < len; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; out[i] = s / 2 ** 32 - 0.5; }
  return out;
};
const a = rnd(n * n, 1), b = rnd(n * n, 2);
const mk = (data: Float32Array | null, usage: number) => {
  const buf = dev.createBuffer({ size: n * n * 4, usage, mappedAtCreation: data !== null });
  if (data) { new Float32Array(buf.getMappedRange()).set(data); buf.unmap(); }
  return buf;
};
const Cb = mk(null, S | GPUBufferUsage.COPY_SRC), Ab = mk(a, S), Bb = mk(b, S), bias = mk(null, S);
// Texture copies of A (K/4 x M texels) and B (N/4 x K texels) for kernels that read through textureLoad.
const tex = (data: Float32Array, w4: number, h: number) => {
  const t = dev.createTexture({ size: [w4, h], format: "rgba32float", usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST });
  dev.queue.writeTexture({ texture: t }, data, { bytesPerRow: w4 * 16 }, [w4, h]);
  return t;
};
const At = tex(a, n / 4, n), Bt = tex(b, n / 4, n);
const U = dev.createBuffer({ size: 32, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
dev.queue.writeBuffer(U, 0, new Uint32Array([n, n, n, 0, 0, 0, 0, 0]));
// tex.wgsl's params: M, N, K (a multiple of 32), flags, aRows, bRows, sC, N/4.
const Utex = dev.createBuffer({ size: 48, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
dev.queue.writeBuffer(Utex, 0, new Uint32Array([n, n, n, 0, 0, 0, 0, n / 4, 1, 0, 0, 0]));
const out: Record<string, unknown> = {};
for (const k of kernels) {
  if (only && !only.includes(k.name)) continue;
  const module = dev.createShaderModule({ code: k.wgsl });
  const info = await module.getCompilationInfo();
  const errs = info.messages.filter((m) => m.type === "error");
  if (errs.length) { console.error(`${k.name}: ${errs.map((e) => `${e.lineNum}:${e.linePos} ${e.message}`).join("; ")}`); continue; }
  const pipeline = dev.createComputePipeline({ layout: "auto", compute: { module, entryPoint: "main" } });
  const all: GPUBindingResource[] = k.layout === "tex"
    ? [{ buffer: Cb }, At.createView(), Bt.createView(), { buffer: bias }, { buffer: Utex }]
    : [{ buffer: Cb }, { buffer: Ab }, { buffer: Bb }, { buffer: bias }, { buffer: U }];
  // Bindings the kernel does not use are left out (layout "auto" drops them).
  const used = (i: number) => new RegExp(`@binding\\(${i}\\) var[^;]*?(\\w+)\\s*:`).exec(k.wgsl)?.[1];
  const bg = dev.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: all.map((resource, binding) => ({ binding, resource })).filter((e) => {
      const v = used(e.binding);
      return v !== undefined && new RegExp(`\\b${v}\\b`).test(k.wgsl.slice(k.wgsl.indexOf("fn main")));
    }),
  });
  const qs = dev.createQuerySet({ type: "timestamp", count: 2 });
  const qbuf = dev.createBuffer({ size: 16, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
  const qread = dev.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  /** GPU seconds of `times` dispatches from timestamps around one pass, slept through twice the estimate (no polling). */
  const gpuTime = async (times: number, estMs: number) => {
    const enc = dev.createCommandEncoder();
    const pass = enc.beginComputePass({ timestampWrites: { querySet: qs, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } });
    pass.setPipeline(pipeline); pass.setBindGroup(0, bg);
    for (let i = 0; i < times; i++) pass.dispatchWorkgroups(Math.ceil(n / k.colsPerWg), Math.ceil(n / k.rowsPerWg), 1);
    pass.end();
    enc.resolveQuerySet(qs, 0, 2, qbuf, 0);
    enc.copyBufferToBuffer(qbuf, 0, qread, 0, 16);
    dev.queue.submit([enc.finish()]);
    await Bun.sleep(2 * estMs * times);
    await qread.mapAsync(GPUMapMode.READ);
    const t = new BigUint64Array(qread.getMappedRange().slice(0));
    qread.unmap();
    return Number(t[1]! - t[0]!) / 1e9 / times;
  };
  const go = async (times: number, sleepMs = 0) => {
    const enc = dev.createCommandEncoder();
    for (let i = 0; i < times; i++) {
      const pass = enc.beginComputePass();
      pass.setPipeline(pipeline); pass.setBindGroup(0, bg);
      pass.dispatchWorkgroups(Math.ceil(n / k.colsPerWg), Math.ceil(n / k.rowsPerWg), 1);
      pass.end();
    }
    dev.queue.submit([enc.finish()]);
    if (sleepMs) await Bun.sleep(sleepMs);
    await dev.queue.onSubmittedWorkDone();
  };
  const tc = performance.now();
  await go(1);
  const compileMs = performance.now() - tc;
  const e0 = performance.now(); await go(1); const est = performance.now() - e0;
  // Best of `rounds` timed runs (wall and CPU time each): other processes on a 2-core machine only slow a run down.
  let dt = Infinity, cpu = Infinity;
  for (let round = 0; round < Number(arg("rounds") ?? 3); round++) {
    const c0 = process.cpuUsage(); const t0 = performance.now();
    await go(reps, 0.85 * est * reps);
    dt = Math.min(dt, (performance.now() - t0) / reps / 1000);
    const cu = process.cpuUsage(c0); cpu = Math.min(cpu, (cu.user + cu.system) / 1e6 / reps);
  }
  let gpu = Infinity;
  for (let round = 0; round < Number(arg("rounds") ?? 3); round++) gpu = Math.min(gpu, await gpuTime(reps, est));
  let maxErr: number | null = null;
  if (process.argv.includes("--check")) {
    const read = dev.createBuffer({ size: n * n * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const enc = dev.createCommandEncoder(); enc.copyBufferToBuffer(Cb, 0, read, 0, n * n * 4); dev.queue.submit([enc.finish()]);
    await read.mapAsync(GPUMapMode.READ);
    const c = new Float32Array(read.getMappedRange().slice(0)); read.destroy();
    maxErr = 0;
    for (let i = 0; i < n; i += 61) for (let j = 0; j < n; j += 7) {
      let s = 0; for (let kk = 0; kk < n; kk++) s += a[i * n + kk]! * b[kk * n + j]!;
      maxErr = Math.max(maxErr, Math.abs(s - c[i * n + j]!));
    }
  }
  const flop = 2 * n ** 3;
  const r = { gpuGflops: +(flop / gpu / 1e9).toFixed(2), gflops: +(flop / dt / 1e9).toFixed(2), gflopsPerCpuS: +(flop / cpu / 1e9).toFixed(2), maxErr, firstRunMs: Math.round(compileMs) };
  out[k.name] = r;
  console.error(`${k.name.padEnd(28)} gpu ${String(r.gpuGflops).padStart(7)}  wall ${String(r.gflops).padStart(7)} GFLOP/s  ${String(r.gflopsPerCpuS).padStart(7)} per CPU-s  first ${r.firstRunMs} ms${maxErr !== null ? `  err ${maxErr.toExponential(2)}` : ""}`);
}
console.log(JSON.stringify({ size, results: out }));
raw.destroy();
process.exit(0);
