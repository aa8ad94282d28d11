// Training throughput (tokens/s) of byte-level GPTs on each available backend: bun run bench train [--steps N]
// [--backend cpu|webgpu] [--shape L4|L6|moe] [--profile no] [--times] [--llmc <binary> [--llmc-args "..."] [--rounds 5]].
// Prints one JSON object (--times: every step on stderr). Shapes from issue 6: L4 C128 H4 T64 B12 and L6 C384 H6 T256 B8.
// --shape moe (issue 15): recipes/brown-moe.yaml's mixture-of-experts model against its dense twin of equal active
// FLOPs per token (by estimate(): the mlp_ratio is chosen for it, both estimates printed), alternately for --rounds
// rounds (default 3) of --steps warm steps each, with each round's tokens/s, their median and spread, and
// ops.groupedMatmul's GFLOP/s against one matmul per expert at the experts' shapes (bench/moe/side-by-side.ts).
// A ratio to llm.c comes only from llm.c run in the same minutes: --llmc runs the given binary (it must train the
// bench's shape and print "step N: ... (took X ms)", as train_gpt2.c does; docs/performance.md says how the anchor
// was built) alternately with Lathe for --rounds rounds, and prints each round's median steps and ratio and the spread.
// Per-kernel breakdown: on the CPU backend every Backend call is timed (calls are synchronous there); on WebGPU a
// second, separate run uses GPU timestamp queries (LATHE_GPU_PROFILE=1: one compute pass per dispatch, so it is
// slower than the timed run and only the split between kernels is meaningful).
import { backward, gradNormSquared, type Backend, createCpuBackend, Device, getDevice, ops, zeroGrad } from "@lathe/gpu";
import { type ModelConfig, resolveModelConfig } from "../src/config.ts";
import { estimate } from "../src/estimate.ts";
import { buildModel } from "../src/nn/model.ts";
import { auxLoss, auxMetrics } from "../src/train/aux.ts";
import { AdamW } from "../src/train/optimizer.ts";
import { forwardLoss } from "../src/train/trainer.ts";
import { round, type Round, runLlmc, spread } from "./llmc/llmc.ts";
import { moeSideBySide } from "./moe/side-by-side.ts";

const args = process.argv.slice(2);
const arg = (k: string): string | undefined => {
  const i = args.indexOf(`--${k}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const shapes = [
  { name: "L4-C128-T64-B12", L: 4, C: 128, H: 4, T: 64, B: 12 },
  { name: "L6-C384-T256-B8", L: 6, C: 384, H: 6, T: 256, B: 8 },
].filter((s) => !arg("shape") || s.name.startsWith(arg("shape")!));
const moeShape = arg("shape") === "moe";

/** A byte-level GPT of one of the shapes above. */
const gptOf = (s: (typeof shapes)[number]): ModelConfig => resolveModelConfig({ kind: "gpt", n_layer: s.L, n_head: s.H, d_model: s.C, context: s.T }, 256);

/** Wrap every kernel call of a synchronous backend with a timer; returns the totals (ms) by kernel name. */
function timeKernels(be: Backend): Record<string, number> {
  const totals: Record<string, number> = {};
  const rec = be as unknown as Record<string, unknown>;
  for (const k of Object.keys(rec)) {
    const f = rec[k];
    if (typeof f !== "function" || ["read", "write", "alloc", "free", "flush", "destroy"].includes(k)) continue;
    rec[k] = (...a: unknown[]) => {
      const t = performance.now();
      const r = (f as (...x: unknown[]) => unknown).apply(be, a);
      totals[k] = (totals[k] ?? 0) + performance.now() - t;
      return r;
    };
  }
  return totals;
}

/**
 * `steps` timed training steps (after one warm-up step) of the model `cfg` at batch size B. A mixture-of-experts
 * model's step is the trainer's: its auxiliary loss joins the objective, and its statistics (moe_* metrics, a
 * few read-backs) are read after every step, as at the default log_every 1; aux_metrics_ms_per_step is their part.
 */
async function measure(dev: Device, name: string, cfg: ModelConfig, B: number, steps: number, kernels: Record<string, number> | null) {
  const model = buildModel(dev, cfg, 1);
  const params = model.params.list;
  const opt = new AdamW(params, { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1 });
  const V = cfg.vocab_size;
  const n = B * cfg.context;
  const inputs = Int32Array.from({ length: n }, (_, i) => (i * 31 + 7) % V);
  const targets = Int32Array.from({ length: n }, (_, i) => (i * 17 + 3) % V);
  const times: number[] = [];
  const stats0 = { dispatches: 0, submits: 0 };
  /** Host time spent encoding each step (forward, backward, update) before its first read-back. */
  const encodeMs: number[] = [];
  const auxMs: number[] = [];
  let moeMetrics: Record<string, number> = {};
  let warmProfile: Record<string, { ms: number }> | null = null;
  for (let i = 0; i < steps + 1; i++) {
    const t0 = performance.now();
    const loss = dev.tidy(() => {
      const ce = forwardLoss(dev, model, { x: inputs, y: targets }, true, i);
      const aux = auxLoss(model); // null for a dense model
      backward(aux ? ops.add(ce, aux) : ce);
      return ce;
    });
    // As in the trainer: the clipped update is queued behind the backward pass, then loss and norm are read.
    const normSq = gradNormSquared(params.map((p) => p.tensor))!;
    opt.update(1e-3, { normSq, maxNorm: 1 });
    encodeMs.push(performance.now() - t0);
    await loss.read();
    loss.dispose();
    await normSq.read();
    normSq.dispose();
    zeroGrad(params.map((p) => p.tensor));
    const ta = performance.now();
    if (model.moe?.length) moeMetrics = await auxMetrics(model);
    auxMs.push(performance.now() - ta);
    times.push(performance.now() - t0);
    if (args.includes("--times")) console.error(`step ${i}: ${(performance.now() - t0).toFixed(1)} ms (encode ${encodeMs.at(-1)!.toFixed(1)})`);
    if (i === 0 && kernels) for (const k of Object.keys(kernels)) delete kernels[k]; // drop the warm-up step
    if (i === 0) warmProfile = structuredClone(await dev.profile()); // totals are cumulative (and may be a live object)
    if (i === 0) Object.assign(stats0, dev.backend.stats?.() ?? {});
  }
  const gpuProfile = await dev.profile();
  if (gpuProfile && !kernels) {
    kernels = {};
    for (const [k, v] of Object.entries(gpuProfile)) kernels[k] = v.ms - (warmProfile?.[k]?.ms ?? 0);
  }
  const warm = times.slice(1); // first step compiles pipelines / warms the JIT
  const ms = warm.reduce((a, b) => a + b, 0) / warm.length;
  const flops = estimate(cfg, B).flopsPerToken;
  const perStep = kernels
    ? Object.fromEntries(Object.entries(kernels).sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, +(v / steps).toFixed(1)]))
    : "timed in the separate profiled run (backend webgpu-profiled)";
  const result = {
    shape: name, ms_per_step: +ms.toFixed(1), ms_per_step_median: +[...warm].sort((x, y) => x - y)[warm.length >> 1]!.toFixed(1),
    ms_per_step_min: +Math.min(...warm).toFixed(1), ms_per_step_max: +Math.max(...warm).toFixed(1), tokens_per_s: Math.round((n / ms) * 1000), gflops: +((flops * n) / ms / 1e6).toFixed(2),
    steps,
    encode_ms_per_step: +(encodeMs.slice(1).reduce((a, b) => a + b, 0) / warm.length).toFixed(1),
    ...(model.moe?.length ? { aux_metrics_ms_per_step: +(auxMs.slice(1).reduce((a, b) => a + b, 0) / warm.length).toFixed(1), moe_metrics_last_step: roundAll(moeMetrics) } : {}),
    ...(dev.backend.stats ? {
      dispatches_per_step: Math.round((dev.backend.stats().dispatches - stats0.dispatches) / steps),
      submits_per_step: +((dev.backend.stats().submits - stats0.submits) / steps).toFixed(1),
    } : {}),
    kernel_ms_per_step: perStep,
  };
  return { result, warm };
}

const roundAll = (m: Record<string, number>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, +v.toPrecision(4)]));

/**
 * --llmc: rounds of Lathe and the llm.c binary, alternately (Lathe first in even rounds, llm.c first in odd ones, so
 * a drift of the machine's speed within a round does not favour one side), one ratio per round.
 */
async function sideBySide(dev: Device, s: (typeof shapes)[number], steps: number, kernels: Record<string, number> | null) {
  const command = [arg("llmc")!, ...(arg("llmc-args") ?? "").split(/\s+/).filter(Boolean)];
  const rounds: Round[] = [];
  let first: Awaited<ReturnType<typeof measure>>["result"] | null = null;
  for (let r = 0; r < Number(arg("rounds") ?? 5); r++) {
    let llmcMs: number[] = [];
    if (r % 2 === 1) llmcMs = await runLlmc(command);
    const m = await measure(dev, s.name, gptOf(s), s.B, steps, kernels);
    if (r % 2 === 0) llmcMs = await runLlmc(command);
    first ??= m.result;
    rounds.push(round(m.warm, llmcMs));
    console.error(`round ${r + 1}: lathe ${rounds.at(-1)!.lathe_ms} ms, llm.c ${rounds.at(-1)!.llmc_ms} ms per step: ${rounds.at(-1)!.ratio}x`);
  }
  return { ...first!, vs_llmc: { binary: command.join(" "), shape_assumed: s.name, ratio_is: "llm.c's median step / Lathe's (above 1: Lathe is faster)", rounds, ratio: spread(rounds) } };
}

const out: Record<string, unknown> = { bench: "train", results: [] as unknown[] };
for (const backend of (arg("backend") ? [arg("backend")] : ["cpu", "webgpu"]) as ("cpu" | "webgpu")[]) {
  let dev: Device;
  let kernels: Record<string, number> | null = null;
  try {
    if (backend === "cpu") {
      const be = createCpuBackend();
      kernels = timeKernels(be);
      dev = new Device(be);
    } else dev = await getDevice({ backend });
  } catch (e) {
    (out.results as unknown[]).push({ backend, skipped: (e as Error).message.split("\n")[0] });
    continue;
  }
  if (moeShape) {
    const steps = Number(arg("steps") ?? 5);
    (out.results as unknown[]).push({ backend, ...(await moeSideBySide(dev, { steps, rounds: Number(arg("rounds") ?? 3), measure: (name, cfg, B) => measure(dev, name, cfg, B, steps, null) })) });
  }
  for (const s of shapes) {
    const steps = Number(arg("steps") ?? (s.L === 6 ? 1 : 5));
    (out.results as unknown[]).push({ backend, ...(arg("llmc") ? await sideBySide(dev, s, steps, kernels) : (await measure(dev, s.name, gptOf(s), s.B, steps, kernels)).result) });
  }
  dev.destroy();
  if (backend === "webgpu" && arg("profile") !== "no" && shapes.length > 0) {
    process.env.LATHE_GPU_PROFILE = "1"; // read when the runtime is created
    const prof = await getDevice({ backend });
    for (const s of shapes) {
      const { result: r } = await measure(prof, s.name, gptOf(s), s.B, Number(arg("steps") ?? (s.L === 6 ? 1 : 3)), null);
      (out.results as unknown[]).push({ backend: "webgpu-profiled", shape: r.shape, ms_per_step: r.ms_per_step, kernel_ms_per_step: r.kernel_ms_per_step });
    }
    prof.destroy();
  }
}
console.log(JSON.stringify(out, null, 2));
process.exit(0);
