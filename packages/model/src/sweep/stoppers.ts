// Early stopping for sweeps as pure functions of metric histories: asynchronous successive halving (ASHA, Li et al.
// 2020) and the median stopping rule (Google Vizier, Golovin et al. 2017). No state: the runner keeps the histories.
import { SweepInputError } from "./errors.ts";
import { fmt, median as medianOf, quantile } from "./stats.ts";

/** One trial's reports of one metric, in step order (lower is better unless the stopper's mode is "max"). */
export interface MetricHistory {
  readonly trial: string;
  readonly points: readonly { readonly step: number; readonly value: number }[];
}

export interface StopDecision {
  readonly stop: boolean;
  /** The ASHA rung (0-based, at step grace·η^rung) that this report reached, if it reached one. */
  readonly rung?: number;
  /** Why, in one line: "rung 2 (step 1800): val_loss 3.91 not in the top 1/3 of 7 trials (cutoff 3.74)". */
  readonly reason?: string;
}

/**
 * Decides about `trial` from a snapshot of every trial's history (its own included), right after the trial's
 * latest report was appended. Call it once per report; a later call about an older report does not revisit it.
 */
export interface Stopper {
  readonly name: "asha" | "median";
  decide(trial: string, histories: readonly MetricHistory[]): StopDecision;
}

export interface AshaOptions {
  /** The metric the histories hold, for reasons ("val_loss"). */
  readonly metric: string;
  /** Steps before the first rung: no trial is stopped earlier. @example 100 */
  readonly grace: number;
  /** η: rungs sit at grace·η^k, and a trial continues from a rung only in the top 1/η. @example 3 */
  readonly reduction: number;
  /** The trials' full length; rungs lie below it. */
  readonly maxSteps: number;
  /** @default "min" */
  readonly mode?: "min" | "max";
}

export interface MedianOptions {
  readonly metric: string;
  /** Steps before any stop; running averages count reports from this step on. */
  readonly grace: number;
  /** Other trials that must have reached the step before the rule applies. @default 3 */
  readonly minTrials?: number;
  /** @default "min" */
  readonly mode?: "min" | "max";
}

/** The steps of ASHA's rungs: grace·η^k for k = 0, 1, ... while below maxSteps. */
export function ashaRungs(grace: number, reduction: number, maxSteps: number): number[] {
  const rungs: number[] = [];
  for (let s = grace; s < maxSteps; s *= reduction) rungs.push(s);
  return rungs;
}

/**
 * Asynchronous successive halving, as Ray Tune's AsyncHyperBandScheduler with one bracket.
 *
 * A trial's value at a rung is its first report at or after the rung's step. A report that reaches a rung (the
 * previous report was before it; if one report passes several rungs, the highest counts) is judged against the
 * other trials that have reached that rung in `histories`: those are "the values recorded at the rung so far", so
 * arrival order is the order of the snapshots the runner calls with, and the order of `histories` does not matter.
 * The cutoff is the 1/η quantile of those values (the (1 − 1/η) percentile of rewards, linearly interpolated);
 * the trial stops when its value is strictly worse. As in ASHA, the first trial at a rung always continues, the
 * second continues only if it is no worse than the first, and trials reaching a rung together judge each other.
 * NaN counts as the worst value.
 */
export function asha(opts: AshaOptions): Stopper {
  const { metric, grace, reduction, maxSteps } = opts;
  const mode = checkCommon("asha", opts);
  if (!(Number.isFinite(reduction) && reduction > 1)) {
    throw new SweepInputError("asha.reduction", reduction, "must be a number above 1", "use 3 (keep the top third at each rung) or 2");
  }
  if (!(Number.isFinite(maxSteps) && maxSteps >= grace)) {
    throw new SweepInputError("asha.maxSteps", maxSteps, `must be a number of steps at least grace (${grace})`, "set it to the trials' train.steps");
  }
  const rungs = ashaRungs(grace, reduction, maxSteps);
  const bad = badness(mode);
  const top = `top 1/${fmt(reduction)}`;

  return {
    name: "asha",
    decide(trial, histories) {
      const own = findTrial(trial, histories);
      const pts = own.points;
      if (pts.length === 0) return { stop: false, reason: `no ${metric} reported yet` };
      const { step, value } = pts[pts.length - 1]!;
      if (step >= maxSteps) return { stop: false, reason: `step ${fmt(step)} reached maxSteps ${fmt(maxSteps)}` };
      const prev = pts.length > 1 ? pts[pts.length - 2]!.step : -Infinity;
      let k = -1;
      for (let i = 0; i < rungs.length; i++) if (prev < rungs[i]! && rungs[i]! <= step) k = i;
      if (k < 0) {
        const next = rungs.findIndex((r) => r > step);
        if (step < grace) return { stop: false, reason: `step ${fmt(step)} is before the grace period (rung 0 at step ${fmt(grace)})` };
        return {
          stop: false,
          reason: next < 0 ? `step ${fmt(step)} is past the last rung` : `step ${fmt(step)} is between rungs (rung ${next} at step ${fmt(rungs[next]!)} next)`,
        };
      }
      const at = rungs[k]!;
      const head = `rung ${k} (step ${fmt(at)}): ${metric} ${fmt(value)}`;
      const peers: number[] = [];
      for (const h of histories) {
        if (h === own) continue;
        const p = h.points.find((q) => q.step >= at);
        if (p) peers.push(bad(p.value));
      }
      if (peers.length === 0) return { stop: false, rung: k, reason: `${head} is the first at this rung, nothing to compare` };
      const cutoff = quantile(peers, 1 / reduction);
      const stop = bad(value) > cutoff;
      const n = `${peers.length} trial${peers.length === 1 ? "" : "s"}`;
      return { stop, rung: k, reason: `${head} ${stop ? "not " : ""}in the ${top} of ${n} (cutoff ${fmt(unbad(mode, cutoff))})` };
    },
  };
}

/**
 * The median stopping rule, as Ray Tune's MedianStoppingRule: at its latest report (step t ≥ grace) a trial stops
 * when its best value so far is strictly worse than the median of the running averages (reports from grace to t)
 * of the other trials that reached step t, once at least minTrials of them have. Other trials without a report
 * between grace and t do not count. NaN counts as the worst value.
 */
export function median(opts: MedianOptions): Stopper {
  const { metric, grace } = opts;
  const mode = checkCommon("median", opts);
  const minTrials = opts.minTrials ?? 3;
  if (!(Number.isInteger(minTrials) && minTrials >= 1)) {
    throw new SweepInputError("median.minTrials", minTrials, "must be a whole number of trials, at least 1", "use 3");
  }
  const bad = badness(mode);

  return {
    name: "median",
    decide(trial, histories) {
      const own = findTrial(trial, histories);
      const pts = own.points;
      if (pts.length === 0) return { stop: false, reason: `no ${metric} reported yet` };
      const t = pts[pts.length - 1]!.step;
      if (t < grace) return { stop: false, reason: `step ${fmt(t)} is before the grace period (step ${fmt(grace)})` };
      const means: number[] = [];
      for (const h of histories) {
        if (h === own || h.points.length === 0 || h.points[h.points.length - 1]!.step < t) continue;
        const window = h.points.filter((p) => p.step >= grace && p.step <= t);
        if (window.length > 0) means.push(window.reduce((s, p) => s + bad(p.value), 0) / window.length);
      }
      if (means.length < minTrials) {
        return { stop: false, reason: `step ${fmt(t)}: only ${means.length} other trial${means.length === 1 ? "" : "s"} reached it (need ${minTrials})` };
      }
      const best = Math.min(...pts.map((p) => bad(p.value)));
      const med = medianOf(means);
      const stop = best > med;
      return {
        stop,
        reason:
          `step ${fmt(t)}: best ${metric} ${fmt(unbad(mode, best))} ${stop ? "worse than" : "no worse than"} the median ` +
          `${fmt(unbad(mode, med))} of ${means.length} other trials' running averages`,
      };
    },
  };
}

function checkCommon(who: string, opts: { metric: string; grace: number; mode?: string }): "min" | "max" {
  if (typeof opts.metric !== "string" || opts.metric === "") {
    throw new SweepInputError(`${who}.metric`, opts.metric, "must name the metric", 'use "val_loss"');
  }
  if (!(Number.isFinite(opts.grace) && opts.grace > 0)) {
    throw new SweepInputError(`${who}.grace`, opts.grace, "must be a positive number of steps", "use about a tenth of the trials' steps");
  }
  const mode = opts.mode ?? "min";
  if (mode !== "min" && mode !== "max") {
    throw new SweepInputError(`${who}.mode`, mode, 'must be "min" or "max"', 'use "min" for losses, "max" for accuracies');
  }
  return mode;
}

/** Maps a value to "lower is better", NaN to the worst (+Infinity). */
function badness(mode: "min" | "max"): (v: number) => number {
  return mode === "min" ? (v) => (Number.isNaN(v) ? Infinity : v) : (v) => (Number.isNaN(v) ? Infinity : -v);
}

function unbad(mode: "min" | "max", b: number): number {
  return mode === "min" ? b : -b;
}

/** The trial's history, after checking that trials are unique and steps increase. */
function findTrial(trial: string, histories: readonly MetricHistory[]): MetricHistory {
  const seen = new Set<string>();
  let own: MetricHistory | undefined;
  histories.forEach((h, i) => {
    if (seen.has(h.trial)) throw new SweepInputError(`histories[${i}].trial`, h.trial, "is listed twice", "give each trial one history");
    seen.add(h.trial);
    if (h.trial === trial) own = h;
    let prev = -Infinity;
    h.points.forEach((p, j) => {
      if (!(Number.isFinite(p.step) && p.step > prev)) {
        throw new SweepInputError(
          `histories[${i}].points[${j}].step`, p.step,
          `must be a finite step after the previous one (${fmt(prev)}) of trial "${h.trial}"`,
          "append reports in step order, one per step",
        );
      }
      prev = p.step;
    });
  });
  if (!own) {
    throw new SweepInputError("histories", trial, `have no trial named ${JSON.stringify(trial)}`, "include the trial's own history with the others");
  }
  return own;
}
