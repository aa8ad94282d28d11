// Early stopping of a sweep trial inside its train stage (sweep.early_stop): at each evaluation the trainer asks a
// stopper of ../sweep/stoppers.ts about its own val history against the complete histories of the earlier trials,
// read from their metrics.jsonl (their train stages are this stage's inputs peer_0, peer_1, ...). The decision is a
// function of the key: evaluation steps are fixed by eval_every, the peers are finished runs, and a resumed run
// re-decides its latest evaluation from the same lines.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { asha, median, type MetricHistory, type StopDecision, type Stopper } from "../sweep/stoppers.ts";

/** sweep.early_stop as the train stage's params carry it: only the fields its method reads, so the key has no others. */
export type EarlyStopParams =
  | { readonly method: "asha"; readonly metric: StopMetric; readonly grace: number; readonly reduction: number }
  | { readonly method: "median"; readonly metric: StopMetric; readonly grace: number; readonly min_trials: number };

export type StopMetric = "val_loss" | "val_bpb";

/** The recipe's sweep.early_stop (defaults applied) → the params the key covers; null for method none. */
export function earlyStopParams(es: { method: string; metric: StopMetric; grace: number; reduction: number; min_trials: number }): EarlyStopParams | null {
  if (es.method === "asha") return { method: "asha", metric: es.metric, grace: es.grace, reduction: es.reduction };
  if (es.method === "median") return { method: "median", metric: es.metric, grace: es.grace, min_trials: es.min_trials };
  return null;
}

/** One evaluation line of metrics.jsonl as the stopper sees it (val_bpb written as null when unknown → NaN). */
export interface EvalPoint {
  readonly step: number;
  readonly value: number;
}

/**
 * The points of `metric` in a metrics.jsonl, in step order, one per step (a repeated step keeps its first line).
 * A missing file is an empty history.
 */
export function readMetricHistory(file: string, metric: StopMetric): EvalPoint[] {
  if (!existsSync(file)) return [];
  const points: EvalPoint[] = [];
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line.trim()) continue;
    const l = JSON.parse(line) as Record<string, unknown>;
    if (!("val_loss" in l) || typeof l.step !== "number") continue; // training lines carry loss, not val_loss
    if (points.length > 0 && l.step <= points[points.length - 1]!.step) continue;
    const v = l[metric];
    points.push({ step: l.step, value: typeof v === "number" ? v : Number.NaN });
  }
  return points;
}

/** The stopper of one trial: its rule, the earlier trials' histories, and its own history as it grows. */
export class TrialStopper {
  readonly name: "asha" | "median";
  readonly metric: StopMetric;
  private readonly stopper: Stopper | null;
  private readonly peers: MetricHistory[];
  private readonly own: { step: number; value: number }[] = [];
  /** Why this trial can never be stopped (no rung below its steps), or null. */
  readonly inert: string | null;

  /** `peerDirs`: the earlier trials' train outDirs, in trial order. */
  constructor(p: EarlyStopParams, peerDirs: readonly string[], plannedSteps: number) {
    this.name = p.method;
    this.metric = p.metric;
    this.peers = peerDirs.map((dir, i) => ({ trial: `peer_${i}`, points: readMetricHistory(join(dir, "metrics.jsonl"), p.metric) }));
    if (p.method === "asha" && p.grace >= plannedSteps) {
      this.stopper = null;
      this.inert = `grace ${p.grace} is not below the ${plannedSteps} planned steps: no rung to stop at`;
    } else {
      this.stopper = p.method === "asha"
        ? asha({ metric: p.metric, grace: p.grace, reduction: p.reduction, maxSteps: plannedSteps })
        : median({ metric: p.metric, grace: p.grace, minTrials: p.min_trials });
      this.inert = null;
    }
  }

  /** The evaluations before a resume (from the scratch metrics.jsonl), already decided when they were made. */
  restore(points: readonly EvalPoint[]): void {
    this.own.length = 0;
    this.own.push(...points);
  }

  /** The latest evaluation of the trial itself, if any. */
  get last(): EvalPoint | undefined {
    return this.own[this.own.length - 1];
  }

  /** Appends an evaluation and decides about it (a step already recorded is decided again, not appended). */
  report(step: number, value: number): StopDecision {
    if (this.last?.step !== step) this.own.push({ step, value });
    return this.decide();
  }

  /** The decision about the latest evaluation. */
  decide(): StopDecision {
    if (!this.stopper || this.own.length === 0) return { stop: false };
    return this.stopper.decide("self", [...this.peers, { trial: "self", points: this.own }]);
  }
}
