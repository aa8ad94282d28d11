// The optimization loop every trainer shares, with its initialization, batches and objective as inputs: AdamW with a
// warmup + decay schedule and global-norm clipping over the params it is given (a frozen reference model's params
// are simply not among them), periodic held-out evaluation, metrics.jsonl, and resumable checkpoints in scratchDir
// that hold the weights, the optimizer moments and the caller's data position. Pretraining keeps its own loop in
// trainer.ts (grad accumulation, budgets, early stopping); the fine-tuning stages (sft, dpo, reward, rl) run here.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Device, type Tensor, zeroGrad } from "@lathe/gpu";
import type { LoaderState } from "@lathe/tokenizer";
import { NonFiniteError } from "../errors.ts";
import type { Param } from "../nn/params.ts";
import { clearCheckpoints, latestCheckpoint, loadCheckpoint, readState, saveCheckpoint } from "./checkpoint.ts";
import { MetricsLog } from "./metrics.ts";
import { AdamW } from "./optimizer.ts";
import { learningRate } from "./schedule.ts";

export interface LoopSchedule {
  readonly steps: number;
  readonly lr: number;
  readonly min_lr: number;
  readonly schedule: "cosine" | "linear" | "constant";
  readonly warmup_steps: number;
  readonly weight_decay: number;
  readonly grad_clip: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly eps?: number;
}

/** One step's objective: the loss, already backpropagated, and numbers to log (tensors are read after the update). */
export interface StepResult {
  readonly loss: Tensor;
  readonly metrics?: Readonly<Record<string, Tensor | number>>;
  /** Tokens (or items) this step trained on, for throughput. */
  readonly tokens: number;
}

export interface LoopOptions {
  readonly dev: Device;
  /** The params the optimizer updates, already initialized (random, or loaded from a parent model). */
  readonly params: readonly Param[];
  readonly schedule: LoopSchedule;
  readonly scratchDir: string;
  /** Identifies the settings a checkpoint belongs to; a checkpoint written with others is discarded. */
  readonly configHash: string;
  readonly evalEvery: number;
  readonly checkpointEvery: number;
  readonly logEvery: number;
  /** Queue step `step`'s forward and backward (the loop zeroes grads, clips and updates). */
  objective(step: number): Promise<StepResult>;
  /** Held-out numbers (no tape); run every evalEvery steps and at the end. */
  evaluate?(step: number): Promise<Record<string, number>>;
  /** The data position, saved in checkpoints (restore is called before the first step of a resumed run). */
  readonly data: { state(): LoaderState; restore(s: LoaderState): void };
  readonly signal?: AbortSignal;
  log?(line: string): void;
  metric?(name: string, value: number, step?: number): void;
  progress?(p: { done: number; total?: number; unit?: string }): void;
  /** Tests: throw right after this step, before any clean save (simulates a kill). */
  readonly crashAfterStep?: number;
}

export interface LoopResult {
  readonly steps: number;
  readonly resumedFrom: number | null;
  /** The last logged training numbers (loss and the objective's metrics). */
  readonly train: Readonly<Record<string, number>>;
  /** The final held-out evaluation. */
  readonly heldout: Readonly<Record<string, number>>;
  readonly elapsedS: number;
  readonly tokensPerS: number;
  readonly metricsFile: string;
}

/** Thrown by the crashAfterStep test hook. */
export class LoopCrash extends Error {
  override readonly name = "LoopCrash";
}

export async function runLoop(o: LoopOptions): Promise<LoopResult> {
  const s = o.schedule;
  const log = o.log ?? (() => {});
  const params = [...o.params];
  const opt = new AdamW(params, { beta1: s.beta1 ?? 0.9, beta2: s.beta2 ?? 0.95, eps: s.eps ?? 1e-8, weightDecay: s.weight_decay });
  mkdirSync(o.scratchDir, { recursive: true });
  const metrics = new MetricsLog(join(o.scratchDir, "metrics.jsonl"));
  let step = 0;
  let elapsedBefore = 0;
  let resumedFrom: number | null = null;
  let ck = latestCheckpoint(o.scratchDir);
  if (ck && readState(ck).configHash !== o.configHash) {
    log(`ignoring checkpoint ${ck}: it was written with other settings`);
    clearCheckpoints(o.scratchDir);
    ck = null;
  }
  if (ck) {
    const st = loadCheckpoint(ck, params, opt);
    step = st.step;
    o.data.restore(st.loader);
    elapsedBefore = st.elapsedMs;
    resumedFrom = step;
    opt.stepsDone = step;
    log(`resumed from ${ck} at step ${step}`);
  }
  metrics.truncateAfter(step);
  const t0 = performance.now() - elapsedBefore;
  let lastCkpt: string | null = ck;
  let train: Record<string, number> = {};
  let heldout: Record<string, number> = {};
  let lastEvalStep = -1;
  let trainMs = 0;
  let trainTokens = 0;
  const save = async (): Promise<void> => {
    lastCkpt = await saveCheckpoint(o.scratchDir, params, opt, { step, tokens: trainTokens, loader: o.data.state(), elapsedMs: performance.now() - t0, configHash: o.configHash });
  };
  const evaluate = async (): Promise<void> => {
    if (!o.evaluate || lastEvalStep === step) return;
    heldout = await o.evaluate(step);
    lastEvalStep = step;
    metrics.append({ step, ...prefixed("heldout_", heldout) });
    for (const [k, v] of Object.entries(heldout)) o.metric?.(`heldout_${k}`, v, step);
    log(`step ${step}: held out ${Object.entries(heldout).map(([k, v]) => `${k} ${fmt(v)}`).join(", ")}`);
  };

  while (step < s.steps) {
    await new Promise<void>((resolve) => setImmediate(resolve)); // let an abort and the UI's timers in between steps
    if (o.signal?.aborted) {
      await save();
      throw o.signal.reason ?? new Error("training aborted");
    }
    const ts = performance.now();
    const lr = learningRate(step, s);
    const r = await o.objective(step);
    const normSq = opt.gradNormSquared();
    opt.update(lr, normSq ? { normSq, maxNorm: s.grad_clip > 0 ? s.grad_clip : Infinity } : null);
    const loss = (await r.loss.read())[0]!;
    r.loss.dispose();
    if (!Number.isFinite(loss)) {
      normSq?.dispose();
      throw new NonFiniteError(step + 1, "loss", loss, lastCkpt);
    }
    const gradNorm = normSq ? Math.sqrt((await normSq.read())[0]!) : 0;
    normSq?.dispose();
    if (!Number.isFinite(gradNorm)) throw new NonFiniteError(step + 1, "gradient norm", gradNorm, lastCkpt);
    const extra: Record<string, number> = {};
    for (const [k, v] of Object.entries(r.metrics ?? {})) {
      if (typeof v === "number") extra[k] = v;
      else {
        extra[k] = (await v.read())[0]!;
        v.dispose();
      }
    }
    zeroGrad(params.map((p) => p.tensor));
    step++;
    const dt = performance.now() - ts;
    trainMs += dt;
    trainTokens += r.tokens;
    train = { loss, ...extra };
    if (step % o.logEvery === 0 || step === s.steps) {
      const tps = (r.tokens / dt) * 1000;
      metrics.append({ step, loss, lr, grad_norm: gradNorm, ...extra, tokens_per_s: tps, elapsed_s: (performance.now() - t0) / 1000 });
      o.metric?.("loss", loss, step);
      for (const [k, v] of Object.entries(extra)) o.metric?.(k, v, step);
      o.metric?.("lr", lr, step);
      o.progress?.({ done: step, total: s.steps, unit: "steps" });
    }
    if (o.evalEvery > 0 && step % o.evalEvery === 0 && step < s.steps) await evaluate();
    if (o.checkpointEvery > 0 && step % o.checkpointEvery === 0) await save();
    if (o.crashAfterStep !== undefined && step === o.crashAfterStep) throw new LoopCrash(`simulated crash after step ${step}`);
  }
  await save();
  await evaluate();
  const elapsedS = (performance.now() - t0) / 1000;
  return { steps: step, resumedFrom, train, heldout, elapsedS, tokensPerS: trainMs > 0 ? (trainTokens / trainMs) * 1000 : 0, metricsFile: metrics.file };
}

function prefixed(p: string, r: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [p + k, v]));
}

function fmt(v: number): string {
  return Math.abs(v) >= 100 || Number.isInteger(v) ? String(Math.round(v * 100) / 100) : v.toFixed(4);
}
