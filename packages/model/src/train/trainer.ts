// The pretraining loop: AdamW + schedule + clipping + accumulation, budgets (steps | tokens | time), periodic
// evaluation (loss, bits per byte), resumable checkpoints in scratchDir, metrics.jsonl, and the final artifacts
// (model.safetensors, config.json, metrics.jsonl, summary.json) in outDir. The summary records what the key cannot
// see: the steps reached of those planned and what stopped the run, and the backend and adapter actually used.
// In a sweep with sweep.early_stop, each evaluation asks the stopper (early-stop.ts) whether to end the trial there;
// the lr schedule keeps its horizon at the planned steps, so a stopped trial ran exactly the lr of a full one.
// Dimension letters: B batch, T context, V vocab, N rows (B*T).
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { backward, type Device, noGrad, ops, type Tensor, zeroGrad } from "@lathe/gpu";
import { TokenLoader } from "@lathe/tokenizer";
import { type ModelConfig, parseDuration, resolveModelConfig, resolveTrainConfig, type TrainConfig } from "../config.ts";
import { NonFiniteError } from "../errors.ts";
import { checkFits, estimate, formatEstimate } from "../estimate.ts";
import { writeFileAtomic } from "../io/atomic.ts";
import { writeSafetensors } from "../io/safetensors.ts";
import { describeMup } from "../mup/rules.ts";
import { buildModel, type LanguageModel } from "../nn/model.ts";
import { clearCheckpoints, latestCheckpoint, loadCheckpoint, readState, saveCheckpoint, tensorsOf } from "./checkpoint.ts";
import { CPU_FALLBACK_LINE, deviceLimits, openDevice } from "./device.ts";
import { type EarlyStopParams, readMetricHistory, TrialStopper } from "./early-stop.ts";
import { MetricsLog } from "./metrics.ts";
import { auxLoss, auxMetrics } from "./aux.ts";
import { AdamW } from "./optimizer.ts";
import { learningRate } from "./schedule.ts";
import { bytesPerToken, type PackMeta, readMeta } from "./shards.ts";

export interface TrainRunOptions {
  readonly model: unknown; // the recipe's model section
  readonly train: unknown; // the recipe's train section
  readonly seed: number;
  readonly packDir: string;
  readonly outDir: string;
  readonly scratchDir: string;
  readonly signal?: AbortSignal;
  log?(line: string): void;
  progress?(p: { done: number; total?: number; unit?: string }): void;
  metric?(name: string, value: number, step?: number): void;
  /** sweep.early_stop and the earlier trials' train outDirs (their metrics.jsonl), in trial order. */
  readonly earlyStop?: { readonly params: EarlyStopParams; readonly peers: readonly string[] };
  /** Use this device instead of opening one (tests, benches). */
  readonly device?: Device;
  /** Tests: throw right after this step, before any clean save (simulates a kill). */
  readonly crashAfterStep?: number;
}

export interface TrainSummary {
  /** Steps reached; below planned_steps when a token or time budget stopped the run first. */
  readonly steps: number;
  /** train.steps: the schedule's horizon. */
  readonly planned_steps: number;
  readonly tokens: number;
  readonly train_loss: number;
  readonly val_loss: number | null;
  readonly val_bpb: number | null;
  readonly tokens_per_s: number;
  readonly elapsed_s: number;
  readonly params: number;
  readonly flops_per_token: number;
  /** Where it computed: "webgpu" or "cpu". The key covers only backend_requested; this says what happened. */
  readonly backend: "webgpu" | "cpu";
  /** train.backend as written: "auto" may have become either backend, depending on the machine. */
  readonly backend_requested: "auto" | "webgpu" | "cpu";
  /** The WebGPU adapter's name; null on the CPU backend. */
  readonly adapter: string | null;
  /** Why `auto` fell back to the CPU (the adapter error's first line); null when it did not. */
  readonly fallback: string | null;
  /**
   * What ended the run: the step count, the token budget, the time budget (then steps depend on the machine), or a
   * sweep's early-stopping rule (then val_loss and val_bpb are those of the evaluation it stopped at).
   */
  readonly stopped_by: "steps" | "tokens" | "time_budget" | "asha" | "median";
  /** The early-stopping rule's reason ("rung 0 (step 10): val_loss 5.2 not in the top 1/3 of 1 trial (cutoff 4.8)"); null otherwise. */
  readonly stop_reason: string | null;
  readonly resumed_from: number | null;
}

/** Thrown by the crashAfterStep test hook. */
export class SimulatedCrash extends Error {
  override readonly name = "SimulatedCrash";
}

export async function trainModel(o: TrainRunOptions): Promise<TrainSummary> {
  const log = o.log ?? (() => {});
  const meta = readMeta(o.packDir);
  const cfg = resolveModelConfig(o.model, meta.vocab_size);
  const tc = resolveTrainConfig(o.train);
  const B = tc.batch_size;
  const T = cfg.context;
  const { device: dev, fallback } = o.device ? { device: o.device, fallback: null } : await openDevice(tc.backend);
  try {
    const est = estimate(cfg, B);
    const adapter = dev.kind === "webgpu" ? ` (${dev.backend.adapterName ?? "unnamed adapter"})` : "";
    log(`${cfg.kind} model, vocab ${cfg.vocab_size}, backend ${dev.kind}${adapter}\n${formatEstimate(est, B, T)}`);
    const mup = cfg.kind === "gpt" ? describeMup(cfg) : null;
    if (mup) log(mup);
    checkFits(est, deviceLimits(dev), B, T);
    if (fallback !== null) {
      // Last before the steps, so the build view (which shows a stage's latest line) keeps it in sight.
      log(`webgpu: ${fallback}`);
      log(CPU_FALLBACK_LINE);
    }
    return await loop(o, dev, cfg, tc, meta, { params: est.params, flopsPerToken: est.flopsPerToken, fallback }, log);
  } finally {
    if (!o.device) dev.destroy();
  }
}

/** What the summary records besides the loop's own numbers. */
interface RunFacts {
  readonly params: number;
  readonly flopsPerToken: number;
  readonly fallback: string | null;
}

async function loop(o: TrainRunOptions, dev: Device, cfg: ModelConfig, tc: TrainConfig, meta: PackMeta, facts: RunFacts, log: (l: string) => void): Promise<TrainSummary> {
  const B = tc.batch_size;
  const T = cfg.context;
  const model = buildModel(dev, cfg, o.seed);
  const params = model.params.list;
  const opt = new AdamW(params, { beta1: tc.beta1, beta2: tc.beta2, eps: tc.eps, weightDecay: tc.weight_decay });
  const maskOf = (split: string): string | null => (existsSync(join(o.packDir, `${split}.mask.bin`)) ? join(o.packDir, `${split}.mask.bin`) : null);
  const loader = TokenLoader.open(join(o.packDir, "train.bin"), { B, T, mode: "random", seed: o.seed }, maskOf("train"));
  const valFile = join(o.packDir, "val.bin");
  const valLoader = existsSync(valFile) ? TokenLoader.open(valFile, { B, T, mode: "sequential" }, maskOf("val")) : null;
  const valBpt = bytesPerToken(meta, "val");

  mkdirSync(o.scratchDir, { recursive: true });
  const metrics = new MetricsLog(join(o.scratchDir, "metrics.jsonl"));
  const configHash = JSON.stringify({ model: cfg, train: { ...tc, sample: undefined, time_budget: undefined }, seed: o.seed });
  let step = 0;
  let tokens = 0;
  let elapsedBefore = 0;
  let resumedFrom: number | null = null;
  let ck = latestCheckpoint(o.scratchDir);
  if (ck && readState(ck).configHash !== configHash) {
    log(`ignoring checkpoint ${ck}: it was written with other settings`);
    clearCheckpoints(o.scratchDir);
    ck = null;
  }
  if (ck) {
    const st = loadCheckpoint(ck, params, opt);
    ({ step, tokens } = st);
    loader.restore(st.loader);
    elapsedBefore = st.elapsedMs;
    resumedFrom = step;
    opt.stepsDone = step;
    log(`resumed from ${ck} at step ${step}`);
  }
  metrics.truncateAfter(step);
  // The latest evaluation so far (before a resume: the one at the checkpoint's step, if any), so the end does not
  // evaluate a step twice.
  let lastEval: { step: number; val_loss: number; val_bpb: number | null } | null = null;
  for (const l of metrics.read()) if ("val_loss" in l) lastEval = { step: l.step, val_loss: l.val_loss!, val_bpb: typeof l.val_bpb === "number" ? l.val_bpb : null };
  const stopper = o.earlyStop ? new TrialStopper(o.earlyStop.params, o.earlyStop.peers, tc.steps) : null;
  let stopReason: string | null = null;
  if (stopper) {
    const es = o.earlyStop!.params;
    const rule = es.method === "asha" ? `grace ${es.grace}, reduction ${es.reduction}` : `grace ${es.grace}, min_trials ${es.min_trials}`;
    const peers = o.earlyStop!.peers.length;
    log(`early stop: ${es.method} on ${es.metric} (${rule}) against ${peers} earlier trial${peers === 1 ? "" : "s"}`);
    if (stopper.inert) log(`early stop: ${stopper.inert}`);
    else if (!(tc.eval_every > 0) || !existsSync(valFile)) log(`early stop: never applies, ${tc.eval_every > 0 ? "there is no val split" : "eval_every is 0"} (it decides at evaluations)`);
    stopper.restore(readMetricHistory(metrics.file, es.metric));
    // A run killed after its stop decision resumes at that evaluation: decide it again (the same decision).
    if (resumedFrom !== null && stopper.last?.step === step) {
      const d = stopper.decide();
      if (d.stop) {
        stopReason = d.reason ?? stopper.name;
        log(`early stop (${stopper.name}) at step ${step} of ${tc.steps}: ${stopReason}`);
      }
    }
  }

  const timeBudgetMs = parseDuration(tc.time_budget);
  const t0 = performance.now() - elapsedBefore;
  let lastCkptAt = performance.now();
  let lastCkpt: string | null = ck;
  let trainLoss = NaN;
  let stoppedBy: TrainSummary["stopped_by"] = stopReason !== null ? stopper!.name : "steps";
  let trainMs = 0;
  let trainTokens = 0;
  const tokensPerStep = B * T * tc.grad_accum;
  const evaluate = async (): Promise<{ val_loss: number; val_bpb: number | null } | null> => {
    if (!valLoader) return null;
    const loss = await evalLoss(dev, model, valLoader, tc.eval_batches);
    return { val_loss: loss, val_bpb: valBpt ? loss / Math.LN2 / valBpt : null };
  };
  const save = async (): Promise<void> => {
    lastCkpt = await saveCheckpoint(o.scratchDir, params, opt, { step, tokens, loader: loader.state(), elapsedMs: performance.now() - t0, configHash });
    lastCkptAt = performance.now();
  };

  while (step < tc.steps && stopReason === null) {
    // One macrotask turn per step: on the CPU backend a step only awaits microtasks, so without this a Ctrl-C
    // (the abort signal) and the UI's timers would wait for the whole run.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (tc.tokens > 0 && tokens >= tc.tokens) {
      stoppedBy = "tokens";
      break;
    }
    if (timeBudgetMs > 0 && performance.now() - t0 >= timeBudgetMs) {
      stoppedBy = "time_budget";
      log(`time budget ${tc.time_budget} spent at step ${step} of ${tc.steps}: stopping and saving (the steps reached depend on this machine's speed)`);
      break;
    }
    if (o.signal?.aborted) {
      await save();
      throw o.signal.reason ?? new Error("training aborted");
    }
    const ts = performance.now();
    const lr = learningRate(step, { ...tc });
    // The whole step (micro-batches, grad norm, clipped update) is queued before anything is read back, so the
    // device never waits for the host in between; the update kernel skips itself on a non-finite norm, which
    // is then reported with the grads still in place.
    const losses: Tensor[] = [];
    for (let micro = 0; micro < tc.grad_accum; micro++) {
      const batch = loader.next()!; // random mode never ends
      const seed = (o.seed * 1000003 + step * 131 + micro) >>> 0;
      losses.push(dev.tidy(() => {
        const loss = forwardLoss(dev, model, batch, true, seed);
        const aux = auxLoss(model); // MoE load balancing + router z-loss (null for dense models); logged apart
        const objective = aux ? ops.add(loss, aux) : loss;
        backward(tc.grad_accum > 1 ? ops.scale(objective, 1 / tc.grad_accum) : objective);
        return loss;
      }));
    }
    const tensors = params.map((p) => p.tensor);
    const normSq = opt.gradNormSquared();
    opt.update(lr, normSq ? { normSq, maxNorm: tc.grad_clip > 0 ? tc.grad_clip : Infinity } : null);
    let lossSum = 0;
    for (const lossT of losses) {
      const v = (await lossT.read())[0];
      lossT.dispose();
      if (!Number.isFinite(v)) {
        normSq?.dispose();
        throw new NonFiniteError(step + 1, "loss", v, lastCkpt);
      }
      lossSum += v;
    }
    const gradNorm = normSq ? Math.sqrt((await normSq.read())[0]) : 0;
    normSq?.dispose();
    if (!Number.isFinite(gradNorm)) throw new NonFiniteError(step + 1, await firstNonFiniteGrad(model), gradNorm, lastCkpt);
    zeroGrad(tensors);
    step++;
    tokens += tokensPerStep;
    trainLoss = lossSum / tc.grad_accum;
    const dt = performance.now() - ts;
    trainMs += dt;
    trainTokens += tokensPerStep;
    const tps = (tokensPerStep / dt) * 1000;
    if (step % tc.log_every === 0 || step === tc.steps) {
      const moe = await auxMetrics(model); // {} for dense; the means over every training forward since the last line
      metrics.append({ step, loss: trainLoss, lr, grad_norm: gradNorm, tokens, tokens_per_s: tps, elapsed_s: (performance.now() - t0) / 1000, ...moe });
      for (const [k, v] of Object.entries(moe)) o.metric?.(k, v, step);
      o.metric?.("loss", trainLoss, step);
      o.metric?.("lr", lr, step);
      o.metric?.("grad_norm", gradNorm, step);
      o.metric?.("tokens_per_s", tps, step);
      o.progress?.({ done: step, total: tc.steps, unit: "steps" });
    }
    if (tc.eval_every > 0 && step % tc.eval_every === 0 && step < tc.steps) {
      const ev = await evaluate();
      if (ev) {
        metrics.append({ step, ...ev, val_bpb: ev.val_bpb ?? NaN });
        o.metric?.("val_loss", ev.val_loss, step);
        if (ev.val_bpb !== null) o.metric?.("val_bpb", ev.val_bpb, step);
        log(`step ${step}: train ${trainLoss.toFixed(4)} val ${ev.val_loss.toFixed(4)}${ev.val_bpb !== null ? ` (${ev.val_bpb.toFixed(3)} bpb)` : ""}`);
        lastEval = { step, ...ev };
        if (stopper) {
          const d = stopper.report(step, (stopper.metric === "val_bpb" ? ev.val_bpb : ev.val_loss) ?? Number.NaN);
          if (d.stop) {
            stoppedBy = stopper.name;
            stopReason = d.reason ?? stopper.name;
            log(`early stop (${stopper.name}) at step ${step} of ${tc.steps}: ${stopReason}`);
          } else if (d.rung !== undefined && d.reason) log(`${stopper.name}: ${d.reason}`);
        }
      }
    }
    const byMinutes = tc.checkpoint_minutes > 0 && performance.now() - lastCkptAt >= tc.checkpoint_minutes * 60_000;
    if ((tc.checkpoint_every > 0 && step % tc.checkpoint_every === 0) || byMinutes) await save();
    if (o.crashAfterStep !== undefined && step === o.crashAfterStep) throw new SimulatedCrash(`simulated crash after step ${step}`);
  }

  await save();
  // An evaluation at this very step (an early stop, a budget reached at an eval step) is the final one.
  const ev = lastEval?.step === step ? { val_loss: lastEval.val_loss, val_bpb: lastEval.val_bpb } : await evaluate();
  if (ev && lastEval?.step !== step) {
    metrics.append({ step, ...ev, val_bpb: ev.val_bpb ?? NaN });
    o.metric?.("val_loss", ev.val_loss, step);
    if (ev.val_bpb !== null) o.metric?.("val_bpb", ev.val_bpb, step);
  }
  const elapsed = (performance.now() - t0) / 1000;
  const summary: TrainSummary = {
    steps: step,
    planned_steps: tc.steps,
    tokens,
    train_loss: trainLoss,
    val_loss: ev?.val_loss ?? null,
    val_bpb: ev?.val_bpb ?? null,
    tokens_per_s: trainMs > 0 ? (trainTokens / trainMs) * 1000 : 0,
    elapsed_s: elapsed,
    params: facts.params,
    flops_per_token: facts.flopsPerToken,
    backend: dev.kind,
    backend_requested: tc.backend,
    adapter: dev.kind === "webgpu" ? (dev.backend.adapterName ?? null) : null,
    fallback: facts.fallback,
    stopped_by: stoppedBy,
    stop_reason: stopReason,
    resumed_from: resumedFrom,
  };
  const by = stoppedBy === "tokens" ? `tokens ${tc.tokens}` : stoppedBy === "time_budget" ? `time_budget ${tc.time_budget}` : stoppedBy;
  const stopped = stoppedBy === "steps" ? "" : ` (stopped by ${by})`;
  log(`done: ${step} of ${tc.steps} steps${stopped}${facts.fallback !== null ? " on the CPU (no WebGPU adapter)" : ""}, val ${ev?.val_loss.toFixed(4) ?? "n/a"}${ev?.val_bpb != null ? ` (${ev.val_bpb.toFixed(3)} bpb)` : ""}, ${summary.tokens_per_s.toFixed(0)} tok/s`);
  await writeOutputs(o.outDir, model, cfg, summary);
  copyFileSync(metrics.file, join(o.outDir, "metrics.jsonl"));
  return summary;
}

/** The part of a loader batch the model needs. */
export interface TokenBatch {
  readonly x: Int32Array; // (B,T) inputs
  readonly y: Int32Array; // (B,T) targets
  readonly mask?: Uint8Array | null; // (B,T) 1 = the target counts
}

/** Mean cross-entropy (nats/token) of a batch; records the tape when train is true. */
export function forwardLoss(dev: Device, model: LanguageModel, batch: TokenBatch, train: boolean, seed: number) {
  const T = model.config.context;
  const N = batch.y.length;
  const ids = dev.tensor(batch.x, [N / T, T], { name: "ids" }); // (B,T)
  const targets = dev.tensor(batch.y, [N], { name: "targets" }); // (N)
  const mask = batch.mask ? dev.tensor(Float32Array.from(batch.mask), [N], { name: "mask" }) : null; // (N)
  const logits = model.forward(ids, { train, seed, site: 0 }); // (N,V)
  return ops.crossEntropy(logits, targets, { mask });
}

/** Mean loss over the first `batches` batches of a sequential loader (token-weighted), without the tape. */
export async function evalLoss(dev: Device, model: LanguageModel, loader: TokenLoader, batches: number): Promise<number> {
  loader.reset();
  let sum = 0;
  let count = 0;
  for (let i = 0; i < batches; i++) {
    const b = loader.next();
    if (!b) break;
    const n = b.mask ? b.mask.reduce((s, v) => s + v, 0) : b.y.length;
    const lossT = noGrad(() => dev.tidy(() => forwardLoss(dev, model, b, false, 0)));
    sum += (await lossT.read())[0] * n;
    count += n;
    lossT.dispose();
  }
  return sum / Math.max(1, count);
}

async function firstNonFiniteGrad(model: LanguageModel): Promise<string> {
  for (const p of model.params.list) {
    if (!p.tensor.grad) continue;
    const g = await p.tensor.grad.read();
    for (let i = 0; i < g.length; i++) if (!Number.isFinite(g[i])) return `gradient of ${p.name} [${p.shape}] (element ${i})`;
  }
  return "gradient norm";
}

/** model.safetensors (weights by name) + config.json (resolved architecture) + summary.json, atomically. */
async function writeOutputs(outDir: string, model: LanguageModel, cfg: ModelConfig, summary: TrainSummary): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  writeSafetensors(join(outDir, "model.safetensors"), await tensorsOf(model.params.list), { format: "lathe", kind: cfg.kind });
  writeFileAtomic(join(outDir, "config.json"), `${JSON.stringify(cfg, null, 2)}\n`);
  writeFileAtomic(join(outDir, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
}
