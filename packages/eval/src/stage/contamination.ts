// The decontamination report of lm-evaluation-harness, per task: how many items share a 13-gram with the training
// split, and each mean metric recomputed on the clean items only. Reporting only: training never changes for it.
import type { NgramIndex } from "../contamination/ngrams.ts";
import { metricInfo } from "../tasks/metrics.ts";
import type { SampleRecord } from "../tasks/results.ts";
import type { LoadedTask } from "../tasks/types.ts";

/** Per-item metrics whose task score is their mean, so a clean-items mean is comparable (not perplexities, not loss). */
const isMeanMetric = (m: string) => metricInfo(m)?.aggregation === "mean";

export interface ContaminationReport {
  readonly items: number;
  /** Items whose text shares at least one 13-gram with the training split. */
  readonly affected: number;
  /** Mean of each per-item metric over the clean items (NaN when none is clean). */
  readonly clean: Readonly<Record<string, number>>;
  /** A few affected items' shared words, for the report. */
  readonly examples: readonly string[];
}

/** The text checked for overlap: the task's doc_to_decontamination_query column when it names one, else every string in the doc. */
function queryText(task: LoadedTask, doc: Readonly<Record<string, unknown>>): string {
  const q = task.config.doc_to_decontamination_query;
  if (q && typeof doc[q] === "string") return doc[q] as string;
  const parts: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === "string") parts.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") Object.values(v).forEach(walk);
  };
  walk(doc);
  return parts.join("\n");
}

export function contaminationReport(task: LoadedTask, samples: readonly SampleRecord[], index: NgramIndex): ContaminationReport {
  let affected = 0;
  const sums: Record<string, { s: number; n: number }> = {};
  const examples: string[] = [];
  for (const rec of samples) {
    const shared = index.firstOverlap(queryText(task, rec.doc));
    if (shared !== null) {
      affected++;
      if (examples.length < 3) examples.push(shared);
      continue;
    }
    for (const [m, v] of Object.entries(rec.metrics)) {
      if (!isMeanMetric(m) || typeof v !== "number" || !Number.isFinite(v)) continue;
      (sums[m] ??= { s: 0, n: 0 }).s += v;
      sums[m]!.n++;
    }
  }
  const clean = Object.fromEntries(Object.entries(sums).map(([m, { s, n }]) => [m, n > 0 ? s / n : Number.NaN]));
  return { items: samples.length, affected, clean, examples };
}
