// Validate every matmul variant against a CPU reference and time it on the adapter at hand.
// Run: bun packages/gpu/bench/matmul-variants/run.ts [--size 1024] [--only v5,v6] [--reps 3] [--robust]
import { openRawDevice } from "../raw-device.ts";
import { variants, type Variant } from "./variants.ts";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function rand(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
}

function transpose(x: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = x[r * cols + c];
  return out;
}

export interface VariantResult {
  readonly name: string;
  readonly note: string;
  readonly maxAbsErr: number | null;
  readonly gflops: Record<string, number | null>;
  /** GFLOP per CPU-second (all threads): robust to other processes sharing the cores; x cores = quiet-machine bound. */
  readonly gflopsPerCore: Record<string, number | null>;
}

/** Runs each variant: validates at 128x768x64 (aligned for every variant), then times at each size. */
export async function runVariants(sizes: number[], reps: number, only: string[] | null, robust: boolean): Promise<{ adapter: string; results: VariantResult[] }> {
  const raw = await openRawDevice({ robust });
  if (!raw) throw new Error("no WebGPU adapter: run bun scripts/has-adapter.ts");
  const dev = raw.device;
  const results: VariantResult[] = [];
  const chosen = variants.filter((v) => !only || only.some((o) => v.name.startsWith(o)));
  for (const v of chosen) {
    const module = dev.createShaderModule({ code: v.wgsl() });
    const info = await module.getCompilationInfo();
    const errs = info.messages.filter((msg) => msg.type === "error");
    if (errs.length) throw new Error(`${v.name}: WGSL error ${errs.map((e) => `${e.lineNum}:${e.linePos} ${e.message}`).join("; ")}`);
    const pipeline = dev.createComputePipeline({ layout: "auto", compute: { module, entryPoint: "main" } });
    const run = async (m: number, n: number, k: number, times: number, a: Float32Array, b: Float32Array) => {
      const mk = (data: Float32Array | null, size: number, usage: number) => {
        const buf = dev.createBuffer({ size: size * 4, usage, mappedAtCreation: data !== null });
        if (data) { new Float32Array(buf.getMappedRange()).set(data); buf.unmap(); }
        return buf;
      };
      const S = GPUBufferUsage.STORAGE;
      const A = mk(v.aTransposed ? transpose(a, m, k) : a, m * k, S);
      const Bb = mk(b, k * n, S);
      const Cb = mk(null, m * n, S | GPUBufferUsage.COPY_SRC);
      const U = dev.createBuffer({ size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
      dev.queue.writeBuffer(U, 0, new Uint32Array([m, n, k, 0]));
      const bg = dev.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [A, Bb, Cb, U].map((buffer, binding) => ({ binding, resource: { buffer } })) });
      const [x, y, z] = v.workgroups(m, n, k);
      // Dawn's wait for the queue polls on the main thread, taking a core from lavapipe's workers on a 2-core
      // machine: sleep through most of the expected time before waiting.
      const submit = async (count: number, sleepMs = 0) => {
        const enc = dev.createCommandEncoder();
        for (let i = 0; i < count; i++) {
          const pass = enc.beginComputePass();
          pass.setPipeline(pipeline); pass.setBindGroup(0, bg); pass.dispatchWorkgroups(x, y, z); pass.end();
        }
        dev.queue.submit([enc.finish()]);
        if (sleepMs > 0) await Bun.sleep(sleepMs);
        await dev.queue.onSubmittedWorkDone();
      };
      await submit(1); // warmup (compiles the shader in lavapipe)
      const e0 = performance.now();
      if (times > 0) await submit(1);
      const est = performance.now() - e0;
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      if (times > 0) await submit(times, 0.85 * est * times);
      const dt = (performance.now() - t0) / Math.max(times, 1);
      const cu = process.cpuUsage(c0);
      const cpu = (cu.user + cu.system) / 1000 / Math.max(times, 1); // ms of CPU time, all threads

      const read = dev.createBuffer({ size: m * n * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
      const enc = dev.createCommandEncoder(); enc.copyBufferToBuffer(Cb, 0, read, 0, m * n * 4); dev.queue.submit([enc.finish()]);
      await read.mapAsync(GPUMapMode.READ);
      const out = new Float32Array(read.getMappedRange().slice(0));
      for (const bb of [A, Bb, Cb, U, read]) bb.destroy();
      return { out, dt, cpu };
    };
    // Validate on an aligned small shape.
    const [vm, vn, vk] = [128, 768, 64];
    let maxAbsErr: number | null = null;
    if (v.supports(vm, vn, vk)) {
      const a = rand(vm * vk, 1), b = rand(vk * vn, 2);
      const { out } = await run(vm, vn, vk, 0, a, b);
      maxAbsErr = 0;
      for (let i = 0; i < vm; i++) for (let j = 0; j < vn; j++) {
        let s = 0; for (let kk = 0; kk < vk; kk++) s += a[i * vk + kk] * b[kk * vn + j];
        maxAbsErr = Math.max(maxAbsErr, Math.abs(s - out[i * vn + j]));
      }
    }
    const gflops: Record<string, number | null> = {};
    const gflopsPerCore: Record<string, number | null> = {};
    for (const s of sizes) {
      if (!v.supports(s, s, s) || (v.name === "v1-naive" && s > 1024)) { gflops[s] = gflopsPerCore[s] = null; continue; }
      const { dt, cpu } = await run(s, s, s, reps, rand(s * s, 3), rand(s * s, 4));
      gflops[s] = +((2 * s ** 3) / (dt / 1000) / 1e9).toFixed(2);
      gflopsPerCore[s] = +((2 * s ** 3) / (cpu / 1000) / 1e9).toFixed(2);
    }
    results.push({ name: v.name, note: v.note, maxAbsErr, gflops, gflopsPerCore });
    console.error(JSON.stringify(results[results.length - 1]));
  }
  raw.destroy();
  return { adapter: raw.adapterName, results };
}

if (import.meta.main) {
  const sizes = (arg("size") ?? "1024").split(",").map(Number);
  const only = arg("only")?.split(",") ?? null;
  const out = await runVariants(sizes, Number(arg("reps") ?? 3), only, !process.argv.includes("--fast"));
  console.log(JSON.stringify(out, null, 1));
  process.exit(0);
}
