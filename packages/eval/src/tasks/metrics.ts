// Per-document scores (the harness's process_results) and the metric registry: which metrics an output type supports,
// their default aggregation and direction, and for generate_until how one generation is scored against its
// references. acc_norm divides each choice's log-likelihood by its length in characters. A metric defined elsewhere
// (a built-in task's reward, say) registers itself with registerMetric; task YAML can then name it in metric_list.
import type { LoglikelihoodResult } from "../lm/types.ts";
import type { Item } from "../metrics/aggregate.ts";
import type { Target } from "./docfields.ts";
import { TaskError } from "./errors.ts";
import { processResultsFn } from "./processDocs.ts";
import type { DocRequests } from "./requests.ts";
import type { Doc, LoadedTask, MetricSpec, OutputType } from "./types.ts";

/** One generation's score (usually 0 or 1) against its references: the target (a string or a list), or the gold choices. */
export type GenerationScore = (pred: string, refs: readonly string[], spec: MetricSpec) => number;

export interface MetricInfo {
  readonly outputTypes: readonly OutputType[];
  readonly aggregation: string;
  readonly higherIsBetter: boolean;
  /**
   * How a generate_until document is scored. Without it a generate_until metric's item is the (references,
   * generation) pair its corpus-level aggregation reads (bleu, chrf).
   */
  readonly score?: GenerationScore;
}

const METRICS: Record<string, MetricInfo> = {
  acc: { outputTypes: ["multiple_choice", "loglikelihood"], aggregation: "mean", higherIsBetter: true },
  acc_norm: { outputTypes: ["multiple_choice"], aggregation: "mean", higherIsBetter: true },
  mc1: { outputTypes: ["multiple_choice"], aggregation: "mean", higherIsBetter: true },
  mc2: { outputTypes: ["multiple_choice"], aggregation: "mean", higherIsBetter: true },
  /** generate_until: the generation equals a reference (after ignore_case / ignore_punctuation); multiple_choice: a gold choice is greedy. */
  exact_match: { outputTypes: ["multiple_choice", "generate_until"], aggregation: "mean", higherIsBetter: true, score: (p, refs, spec) => (refs.some((g) => exactMatch(p, g, spec) === 1) ? 1 : 0) },
  /** Lathe's: a reference occurs in the generation as whole words (after ignore_case / ignore_punctuation); list targets give several references. */
  contains_any: { outputTypes: ["generate_until"], aggregation: "mean", higherIsBetter: true, score: (p, refs, spec) => (refs.some((g) => containsWords(p, g, spec)) ? 1 : 0) },
  perplexity: { outputTypes: ["loglikelihood"], aggregation: "perplexity", higherIsBetter: false },
  /** Lathe's: nats per continuation token, token-weighted over the documents (Σ −ll / Σ tokens). */
  loss: { outputTypes: ["loglikelihood"], aggregation: "weighted_mean", higherIsBetter: false },
  word_perplexity: { outputTypes: ["loglikelihood_rolling"], aggregation: "weighted_perplexity", higherIsBetter: false },
  byte_perplexity: { outputTypes: ["loglikelihood_rolling"], aggregation: "weighted_perplexity", higherIsBetter: false },
  bits_per_byte: { outputTypes: ["loglikelihood_rolling"], aggregation: "bits_per_byte", higherIsBetter: false },
  bleu: { outputTypes: ["generate_until"], aggregation: "bleu", higherIsBetter: true },
  chrf: { outputTypes: ["generate_until"], aggregation: "chrf", higherIsBetter: true },
};

/** Adds a metric under a new name (a name already taken is an error: built-in metrics keep the harness's meaning). */
export function registerMetric(name: string, info: MetricInfo): void {
  if (name in METRICS) throw new Error(`metric ${JSON.stringify(name)} is already registered; register yours under another name`);
  METRICS[name] = info;
}

/** A registered metric's table entry. */
export function metricInfo(name: string): MetricInfo | undefined {
  return METRICS[name];
}

/** The registered metric names. */
export function metricNames(): string[] {
  return Object.keys(METRICS);
}

/** The harness's default metrics when a task has no metric_list. */
const DEFAULTS: Readonly<Record<OutputType, readonly string[]>> = {
  multiple_choice: ["acc", "acc_norm"],
  loglikelihood: ["perplexity", "acc"],
  loglikelihood_rolling: ["word_perplexity", "byte_perplexity", "bits_per_byte"],
  generate_until: ["exact_match"],
};

export interface ResolvedMetric {
  readonly name: string;
  readonly aggregation: string;
  readonly higherIsBetter: boolean;
  readonly spec: MetricSpec;
}

/** The task's metrics with aggregation and direction filled in; an unsupported metric is a TaskError. */
export function taskMetrics(task: LoadedTask): ResolvedMetric[] {
  const c = task.config;
  const specs: readonly MetricSpec[] = c.metric_list ?? DEFAULTS[c.output_type].map((metric) => ({ metric }));
  return specs.map((spec) => {
    const info = METRICS[spec.metric];
    if (!c.process_results) {
      if (!info) throw new TaskError({ file: task.source, field: "metric_list" }, `metric ${JSON.stringify(spec.metric)} is not supported`, `supported: ${Object.keys(METRICS).join(", ")}`);
      if (!info.outputTypes.includes(c.output_type)) throw new TaskError({ file: task.source, field: "metric_list" }, `metric ${spec.metric} does not apply to output_type ${c.output_type}`, `${spec.metric} is for ${info.outputTypes.join(" / ")}`);
    }
    return { name: spec.metric, aggregation: spec.aggregation ?? info?.aggregation ?? "mean", higherIsBetter: spec.higher_is_better ?? info?.higherIsBetter ?? true, spec };
  });
}

/** numpy.argmax: the first index of the maximum. */
export function argmax(xs: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i]! > xs[best]!) best = i;
  return best;
}

/** Python's len(str): code points. */
const chars = (s: string) => [...s].length;

function goldIndices(task: LoadedTask, row: number, target: Target, choices: readonly string[]): number[] {
  const one = (t: string | number): number => {
    const i = typeof t === "number" ? t : choices.indexOf(t);
    if (i < 0 || i >= choices.length || !Number.isInteger(i)) throw new TaskError({ file: task.source, row, field: "doc_to_target" }, `target ${JSON.stringify(t)} is not one of the ${choices.length} choices (${JSON.stringify(choices)})`, "doc_to_target must give a 0-based choice index or the text of a choice");
    return i;
  };
  return Array.isArray(target) ? (target as (string | number)[]).map(one) : [one(target as string | number)];
}

const PUNCT = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;
/** The options exact_match and contains_any share, in hf evaluate's order: regexes_to_ignore, lower-casing, string.punctuation. */
function normalize(s: string, spec: MetricSpec): string {
  let out = s;
  for (const re of spec.regexes_to_ignore ?? []) out = out.replace(new RegExp(re, "g"), "");
  if (spec.ignore_case) out = out.toLowerCase();
  if (spec.ignore_punctuation) out = out.replace(PUNCT, "");
  return out;
}

/** The harness's exact_match (hf evaluate): optional removal of regexes, lower-casing and removal of string.punctuation. */
export function exactMatch(pred: string, gold: string, spec: MetricSpec): number {
  return normalize(pred, spec) === normalize(gold, spec) ? 1 : 0;
}

/** Whether the reference's words occur in the prediction as consecutive whole words (an empty reference never does). */
export function containsWords(pred: string, ref: string, spec: MetricSpec): boolean {
  const words = (s: string) => normalize(s, spec).split(/[^\p{L}\p{N}_]+/u).filter((w) => w !== "");
  const r = words(ref);
  const p = words(pred);
  if (r.length === 0) return false;
  for (let i = 0; i + r.length <= p.length; i++) if (r.every((w, j) => p[i + j] === w)) return true;
  return false;
}

/** Scores of one document from its requests' results. */
export function scoreDoc(task: LoadedTask, row: number, doc: Doc, r: DocRequests, result: readonly LoglikelihoodResult[] | number | string, metrics: readonly ResolvedMetric[]): Record<string, Item> {
  const c = task.config;
  const out: Record<string, Item> = {};
  if (c.process_results) {
    const scores = processResultsFn(c.process_results)!(doc, result as readonly LoglikelihoodResult[]);
    for (const m of metrics) {
      if (!(m.name in scores)) throw new TaskError({ file: task.source, row, field: "process_results" }, `${c.process_results} gave no ${m.name} (it gives ${Object.keys(scores).join(", ")})`, "list only the metrics the function returns in metric_list");
      out[m.name] = scores[m.name]!;
    }
    return out;
  }
  if (r.kind === "loglikelihood" && r.choices) {
    const res = result as readonly LoglikelihoodResult[];
    const lls = res.map((x) => x.logprob);
    const gold = goldIndices(task, row, r.target, r.choices);
    const pred = argmax(lls);
    const predNorm = argmax(lls.map((ll, i) => ll / chars(r.choices![i]!)));
    for (const m of metrics) {
      if (m.name === "acc" || m.name === "mc1") out[m.name] = gold.includes(pred) ? 1 : 0;
      else if (m.name === "acc_norm") out[m.name] = gold.includes(predNorm) ? 1 : 0;
      else if (m.name === "exact_match") out[m.name] = gold.some((g) => res[g]!.isGreedy) ? 1 : 0;
      else if (m.name === "mc2") {
        const max = Math.max(...lls);
        const p = lls.map((ll) => Math.exp(ll - max));
        const total = p.reduce((a, b) => a + b, 0);
        out[m.name] = gold.reduce((a, g) => a + p[g]! / total, 0);
      }
    }
    return out;
  }
  if (r.kind === "loglikelihood") {
    const x = (result as readonly LoglikelihoodResult[])[0]!;
    for (const m of metrics) out[m.name] = m.name === "perplexity" ? x.logprob : m.name === "loss" ? [-x.logprob, x.tokens] : x.isGreedy ? 1 : 0;
    return out;
  }
  if (r.kind === "rolling") {
    const ll = result as number;
    const words = r.text.split(/\s+/).length;
    const bytes = new TextEncoder().encode(r.text).length;
    for (const m of metrics) out[m.name] = [ll, m.name === "word_perplexity" ? words : bytes];
    return out;
  }
  const pred = result as string;
  let gold: readonly string[];
  if (r.choices) gold = goldIndices(task, row, r.target, r.choices).map((i) => r.choices![i]!);
  else gold = Array.isArray(r.target) ? (r.target as (string | number)[]).map(String) : [String(r.target)];
  for (const m of metrics) {
    const score = METRICS[m.name]?.score;
    out[m.name] = score ? score(pred, gold, m.spec) : [gold, pred];
  }
  return out;
}
