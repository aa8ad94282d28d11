// The results JSON, laid out as lm-evaluation-harness's: results (per task and group: "acc,none",
// "acc_stderr,none", alias), groups, group_subtasks, configs, versions, n-shot, higher_is_better, n-samples, config;
// plus per-document samples (for a samples JSONL) and the tasks that failed.
import { AGGREGATIONS, aggregateStderr, aggregateSubtaskMetrics, type Item } from "../metrics/aggregate.ts";
import { pooledSampleStderr } from "../metrics/stderr.ts";
import type { ResolvedMetric } from "./metrics.ts";
import type { GroupConfig, LoadedTask, TaskConfig } from "./types.ts";

export type MetricValues = Record<string, string | number>; // "alias" plus "<metric>,none" / "<metric>_stderr,none"

export interface SampleRecord {
  readonly doc_id: number;
  readonly doc: Readonly<Record<string, unknown>>;
  readonly target: unknown;
  /** The requests: [context, continuation] pairs, [text] for rolling, [context, generation kwargs] for generation. */
  readonly arguments: readonly unknown[];
  /** Per request: [logprob, isGreedy], the rolling logprob, or the generated text. */
  readonly resps: readonly unknown[];
  readonly metrics: Readonly<Record<string, unknown>>;
}

export interface HarnessResults {
  readonly results: Record<string, MetricValues>;
  readonly groups?: Record<string, MetricValues>;
  readonly group_subtasks: Record<string, string[]>;
  readonly configs: Record<string, TaskConfig>;
  readonly versions: Record<string, number | string | null>;
  readonly "n-shot": Record<string, number>;
  readonly higher_is_better: Record<string, Record<string, boolean | null>>;
  readonly "n-samples": Record<string, { original: number; effective: number }>;
  readonly config: { model: string; num_fewshot: number | null; limit: number | null; bootstrap_iters: number; fewshot_seed: number };
  /** Tasks that threw: their error message; their results are absent, the others' kept. */
  readonly failed?: Record<string, { error: string }>;
  /** Per-document records by task; not part of the results file (write them as samples_<task>.jsonl). */
  readonly samples: Record<string, SampleRecord[]>;
}

/** One finished task: its per-document metric items. */
export interface TaskRun {
  readonly task: LoadedTask;
  readonly metrics: readonly ResolvedMetric[];
  readonly items: Readonly<Record<string, Item[]>>;
  readonly numFewshot: number;
  readonly samples: SampleRecord[];
}

/** "acc,none", "acc_stderr,none" for each metric of one task. */
export function taskValues(run: TaskRun, bootstrapIters: number): MetricValues {
  const c = run.task.config;
  const out: MetricValues = { alias: c.task_alias ?? c.task };
  for (const m of run.metrics) {
    const agg = AGGREGATIONS[m.aggregation];
    if (!agg) throw new Error(`aggregation ${m.aggregation} is not supported (${Object.keys(AGGREGATIONS).join(", ")})`);
    const items = run.items[m.name]!;
    out[`${m.name},none`] = agg.fn(items);
    out[`${m.name}_stderr,none`] = aggregateStderr(agg, items, bootstrapIters, m.name);
  }
  return out;
}

/** Leaf tasks under a group, depth first. */
export function leaves(t: LoadedTask): LoadedTask[] {
  return t.group ? t.group.children.flatMap(leaves) : [t];
}

/** A group's size-weighted aggregate over its leaf tasks, as the harness's Group.aggregate. */
export function groupValues(g: GroupConfig, leafNames: readonly string[], results: Readonly<Record<string, MetricValues>>, sizes: Readonly<Record<string, number>>): MetricValues {
  const out: MetricValues = { alias: g.group_alias ?? g.group };
  for (const a of g.aggregate_metric_list ?? []) {
    const key = `${a.metric},none`;
    const skey = `${a.metric}_stderr,none`;
    const vals: number[] = [];
    const errs: (number | string)[] = [];
    const ns: number[] = [];
    for (const n of leafNames) {
      const r = results[n];
      if (!r || typeof r[key] !== "number") continue;
      vals.push(r[key] as number);
      errs.push(r[skey] ?? "N/A");
      ns.push(sizes[n] ?? 0);
    }
    if (!vals.length) continue;
    out[key] = aggregateSubtaskMetrics(vals, ns, a.weight_by_size ?? true);
    out[skey] = errs.every((e) => typeof e === "number") ? pooledSampleStderr(errs as number[], ns) : "N/A";
  }
  return out;
}

/** The results JSON without the samples (what the harness writes as results_<date>.json). */
export function resultsJson(r: HarnessResults): Omit<HarnessResults, "samples"> {
  const { samples: _, ...rest } = r;
  return rest;
}

/** One task's samples as JSONL text. */
export function samplesJsonl(r: HarnessResults, task: string): string {
  return (r.samples[task] ?? []).map((s) => JSON.stringify(s)).join("\n") + ((r.samples[task]?.length ?? 0) ? "\n" : "");
}
