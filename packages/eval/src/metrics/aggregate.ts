// Corpus-level aggregations of per-item metric values (the harness's aggregation registry, the subset Lathe uses),
// each paired with how its standard error is estimated.
import { corpusBleu } from "./bleu.ts";
import { corpusChrf } from "./chrf.ts";
import { bootstrapStderr, mean, meanStderr } from "./stderr.ts";

/** A per-item value: a score, a (loglikelihood, weight) pair, or a (references, prediction) pair. */
export type Item = number | readonly [number, number] | readonly [readonly string[], string];

export interface Aggregation {
  readonly name: string;
  readonly fn: (items: readonly Item[]) => number;
  /** "mean": mean_stderr; "bootstrap": bootstrap_stderr (bleu/chrf capped at 100 iterations, as the harness). */
  readonly stderr: "mean" | "bootstrap";
}

const num = (items: readonly Item[]) => items as readonly number[];
const pairs = (items: readonly Item[]) => items as readonly (readonly [number, number])[];
function weightedMean(items: readonly Item[]): number {
  let a = 0;
  let b = 0;
  for (const [x, w] of pairs(items)) {
    a += x;
    b += w;
  }
  return a / b;
}
/** sacrebleu's layout: refs[k][i] = k-th reference of item i (every item has the same number of references). */
function corpus(items: readonly Item[]): [string[], string[][]] {
  const its = items as readonly (readonly [readonly string[], string])[];
  const k = its.length ? its[0]![0].length : 0;
  const refs = Array.from({ length: k }, (_, r) => its.map(([rs]) => rs[r] ?? ""));
  return [its.map(([, p]) => p), refs];
}

export const AGGREGATIONS: Readonly<Record<string, Aggregation>> = {
  mean: { name: "mean", fn: (it) => mean(num(it)), stderr: "mean" },
  perplexity: { name: "perplexity", fn: (it) => Math.exp(-mean(num(it))), stderr: "bootstrap" },
  /** Σ x / Σ w over (x, w) items: e.g. a loss per token from each document's (nll, tokens). */
  weighted_mean: { name: "weighted_mean", fn: weightedMean, stderr: "bootstrap" },
  weighted_perplexity: { name: "weighted_perplexity", fn: (it) => Math.exp(-weightedMean(it)), stderr: "bootstrap" },
  bits_per_byte: { name: "bits_per_byte", fn: (it) => -weightedMean(it) / Math.LN2, stderr: "bootstrap" },
  bleu: { name: "bleu", fn: (it) => corpusBleu(...corpus(it)).score, stderr: "bootstrap" },
  chrf: { name: "chrf", fn: (it) => corpusChrf(...corpus(it)).score, stderr: "bootstrap" },
};

/**
 * The stderr of an aggregation over items, or "N/A" (one item, or bootstrapIters 0). Unlike the harness, which has
 * no stderr for weighted_perplexity and bits_per_byte, those are bootstrapped too.
 */
export function aggregateStderr(agg: Aggregation, items: readonly Item[], bootstrapIters: number, metric: string): number | "N/A" {
  if (bootstrapIters <= 0 || items.length < 2) return "N/A";
  if (agg.stderr === "mean") return meanStderr(num(items));
  const iters = metric === "bleu" || metric === "chrf" ? Math.min(bootstrapIters, 100) : bootstrapIters;
  return bootstrapStderr(agg.fn, items, iters);
}

/** Size-weighted (or plain) mean of subtask scores, as the harness's aggregate_subtask_metrics. */
export function aggregateSubtaskMetrics(metrics: readonly number[], sizes: readonly number[], weightBySize = true): number {
  const w = weightBySize ? sizes : sizes.map(() => 1);
  let s = 0;
  let t = 0;
  for (let i = 0; i < metrics.length; i++) {
    s += metrics[i]! * w[i]!;
    t += w[i]!;
  }
  return s / t;
}
