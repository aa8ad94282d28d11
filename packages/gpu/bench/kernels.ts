// Kernel benchmark: matmul GFLOP/s (square sizes, the GPT shapes forward and both backward products), attention
// forward+backward ms, AdamW GB/s, and every matmul variant in matmul-variants/ at 1024. Prints one JSON object.
// Run: flock /tmp/lathe-bench.lock bun run bench kernels [--quick]   (--quick: skip 2048 and the variant sweep)
// Timing: wall clock over `reps` dispatches submitted together after one warmup, ending at onSubmittedWorkDone.
import { acquireDevice } from "../src/device.ts";
import { Runtime, type GpuBuf } from "../src/runtime.ts";
import type { HeadDims, MatmulDims } from "../src/types.ts";
import { gemm, hasFastMatmul, matmulBackward, matmulForward, type MatmulPath } from "../src/kernels/matmul/matmul.ts";
import { attentionBackward, attentionForward } from "../src/kernels/attention/attention.ts";
import { runVariants } from "./matmul-variants/run.ts";

const quick = process.argv.includes("--quick");
const acq = await acquireDevice();
const rt = new Runtime(acq);

function buf(n: number, what: string): GpuBuf {
  const b = rt.alloc(n * 4, what);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = Math.sin(i * 0.37) * 0.5;
  rt.write(b, x);
  return b;
}

/**
 * Seconds per call of `enqueue`: one warmup call, then the median of 3 timed runs of `reps` calls in one submit
 * each. No sleeping before the wait: on a software adapter the runtime has lowered the main thread to nice 19, so
 * Dawn's busy-polling wait no longer takes a core from lavapipe's workers (device.ts).
 */
async function time(enqueue: () => void, reps: number): Promise<number> {
  enqueue();
  await rt.sync();
  const runs: number[] = [];
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) enqueue();
    await rt.sync();
    runs.push((performance.now() - t0) / 1000 / reps);
  }
  return runs.sort((x, y) => x - y)[1]!;
}

/** Enough reps for ~`budget` seconds per timed run at an assumed rate, at least 2 (1 for very large work). */
function repsFor(flop: number, budget = 0.5, assumed = 20e9): number {
  return Math.max(flop > 8e9 ? 1 : 2, Math.round((budget * assumed) / flop));
}

const dims = (M: number, N: number, K: number): MatmulDims => ({ batch: 1, M, N, K, bBatched: false });
const noT = { transA: false, transB: false };

async function matmulGflops(M: number, N: number, K: number, which: "forward" | "dA" | "dB"): Promise<number> {
  const d = dims(M, N, K);
  const a = buf(M * K, "a"), b = buf(K * N, "b"), c = buf(M * N, "c");
  const flop = 2 * M * N * K;
  const s = await time(() => {
    if (which === "forward") matmulForward(rt, c, a, b, null, d, noT);
    else if (which === "dA") matmulBackward(rt, a, null, null, c, a, b, d, noT); // dA = dC·Bᵀ
    else matmulBackward(rt, null, b, null, c, a, b, d, noT); // dB = Aᵀ·dC
  }, repsFor(flop));
  for (const x of [a, b, c]) rt.free(x);
  return +(flop / s / 1e9).toFixed(2);
}

const square: Record<string, number> = {};
for (const n of quick ? [256, 512, 1024] : [256, 512, 1024, 2048]) square[n] = await matmulGflops(n, n, n, "forward");

/** Every kernel that can run a square 1024 product here, by name (the table above uses the one matmul.ts picks). */
const byKernel: Record<string, number> = {};
for (const path of ["tex", "fast", "general"] as MatmulPath[]) {
  if (path !== "general" && !hasFastMatmul(rt)) continue;
  const n = 1024;
  const a = buf(n * n, "a"), b = buf(n * n, "b"), c = buf(n * n, "c");
  const g = { batch: 1, M: n, N: n, K: n, transA: false, transB: false, sA: 0, sB: 0, sC: 0 };
  const s = await time(() => gemm(rt, c, a, b, null, g, false, path), path === "general" ? 1 : 3);
  byKernel[path] = +((2 * n ** 3) / s / 1e9).toFixed(2);
  for (const x of [a, b, c]) rt.free(x);
}

const gptShapes = [
  { name: "B=12 T=64 C=128", B: 12, T: 64, C: 128, H: 4 },
  { name: "B=8 T=256 C=384", B: 8, T: 256, C: 384, H: 6 },
];
const gpt: Record<string, unknown>[] = [];
for (const s of gptShapes) {
  const rows = s.B * s.T;
  for (const [label, N] of [["x3C (qkv)", 3 * s.C], ["x4C (mlp fc)", 4 * s.C]] as const) {
    const entry: Record<string, unknown> = { shape: s.name, product: `(${rows}x${s.C}) ${label}`, M: rows, K: s.C, N };
    for (const which of ["forward", "dA", "dB"] as const) entry[`${which}_gflops`] = await matmulGflops(rows, N, s.C, which);
    gpt.push(entry);
  }
}

const attention: Record<string, unknown>[] = [];
for (const s of gptShapes) {
  const d: HeadDims = { B: s.B, T: s.T, C: s.C, nHead: s.H };
  const qkv = buf(s.B * s.T * 3 * s.C, "qkv"), out = buf(s.B * s.T * s.C, "out"), dout = buf(s.B * s.T * s.C, "dout");
  const lse = buf(s.B * s.H * s.T, "lse"), dqkv = buf(s.B * s.T * 3 * s.C, "dqkv");
  const fwd = await time(() => attentionForward(rt, out, lse, qkv, d, true), 3);
  const bwd = await time(() => attentionBackward(rt, dqkv, dout, out, lse, qkv, d, true), 3);
  attention.push({ shape: s.name, H: s.H, D: s.C / s.H, forward_ms: +(fwd * 1e3).toFixed(2), backward_ms: +(bwd * 1e3).toFixed(2), total_ms: +((fwd + bwd) * 1e3).toFixed(2) });
  for (const x of [qkv, out, dout, lse, dqkv]) rt.free(x);
}

let adamwResult: Record<string, unknown>;
try {
  const { adamw } = await import("../src/kernels/adamw/adamw.ts");
  const n = 4 * 2 ** 20;
  const [p, g, m, v] = [buf(n, "p"), buf(n, "g"), buf(n, "m"), buf(n, "v")];
  const hp = { lr: 1e-3, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, step: 1 };
  const s = await time(() => adamw(rt, p, g, m, v, n, hp), 10);
  // Reads p, g, m, v and writes p, m, v: 28 bytes per parameter.
  adamwResult = { params: n, gbps: +((28 * n) / s / 1e9).toFixed(2), ms: +(s * 1e3).toFixed(3) };
} catch (e) {
  adamwResult = { absent: `kernels/adamw not usable: ${e instanceof Error ? e.message : String(e)}` };
}

const adapter = rt.name;
const software = rt.software;
const robust = acq.robust;
const fastPath = hasFastMatmul(rt);
rt.destroy();

let variants: unknown = "skipped (--quick)";
if (!quick) {
  const vr = await runVariants([1024], 2, null, robust);
  const robustOn = await runVariants([1024], 2, ["v2-", "v35"], true);
  variants = {
    robustness: robust ? "on" : "off (disable_robustness)",
    list: vr.results.map((r) => ({ name: r.name, gflops_1024: r.gflops["1024"], gflops_per_cpu_second: r.gflopsPerCore["1024"], max_abs_err: r.maxAbsErr, note: r.note })),
    with_robustness_on: robustOn.results.map((r) => ({ name: r.name, gflops_1024: r.gflops["1024"] })),
  };
}

console.log(JSON.stringify({
  adapter,
  robustness: robust ? "on" : "off (disable_robustness)",
  timing: "wall clock: warmup, then the median of 3 runs of reps calls in one submit, each ending at onSubmittedWorkDone",
  matmul: {
    kernel: !fastPath
      ? "matmul.wgsl (general)"
      : software
        ? "tex.wgsl (operands in rgba32float textures; 24x12 or 32x8 outputs per invocation, A broadcast across 8 lanes)"
        : "fast.wgsl (v35: subgroup-broadcast A, B tile in workgroup memory shared by 4 row groups, 32x4 outputs per invocation, row-outer order)",
    square_gflops: square,
    gpt,
    square_1024_gflops_by_kernel: byKernel,
    tex_blocks: "bun packages/gpu/bench/ablate.ts packages/gpu/bench/tex-variants.ts (GFLOP/s from timestamp queries)",
  },
  attention,
  adamw: adamwResult,
  matmul_variants: variants,
}, null, 1));
process.exit(0);
