// runTasks: build every document's requests, send them to the EvalLM in batches, score, aggregate with standard
// errors, and assemble the harness-layout results. A task that throws is recorded in `failed`; the rest still run.
import type { EvalLM, LoglikelihoodRequest, LoglikelihoodResult } from "../lm/types.ts";
import type { Item } from "../metrics/aggregate.ts";
import { FewshotSampler } from "./fewshot.ts";
import { scoreDoc, taskMetrics } from "./metrics.ts";
import { type DocRequests, docRequests } from "./requests.ts";
import { groupValues, type HarnessResults, leaves, type MetricValues, type SampleRecord, type TaskRun, taskValues } from "./results.ts";
import type { LoadedTask, TaskConfig } from "./types.ts";

export interface RunOptions {
  /** Overrides every task's num_fewshot (the harness's --num_fewshot). */
  readonly numFewshot?: number;
  /** First `limit` documents per task (a fraction < 1: that share, rounded up). */
  readonly limit?: number;
  /** Few-shot sampler seed (the harness's fewshot_random_seed; it defaults to 1234). */
  readonly seed: number;
  /** Bootstrap resamples for non-mean aggregations; 0 turns stderr off. @default 100000 (the harness's) */
  readonly bootstrapIters?: number;
  onProgress?(task: string, done: number, total: number): void;
}

/** Documents per LM call: small enough for steady progress, large enough for the LM to batch. */
const DOCS_PER_CALL = 64;

async function runTask(task: LoadedTask, lm: EvalLM, opts: RunOptions): Promise<TaskRun> {
  const c = task.config;
  const metrics = taskMetrics(task);
  const numFewshot = opts.numFewshot ?? c.num_fewshot ?? 0;
  const n = opts.limit === undefined ? task.docs.length : opts.limit < 1 ? Math.ceil(task.docs.length * opts.limit) : Math.min(task.docs.length, Math.floor(opts.limit));
  const sampler = numFewshot > 0 ? new FewshotSampler(task, opts.seed) : null;
  const items: Record<string, Item[]> = Object.fromEntries(metrics.map((m) => [m.name, []]));
  const samples: SampleRecord[] = [];
  for (let start = 0; start < n; start += DOCS_PER_CALL) {
    const rows = Array.from({ length: Math.min(DOCS_PER_CALL, n - start) }, (_, i) => start + i);
    const reqs: DocRequests[] = rows.map((row) => docRequests(task, row, numFewshot, sampler));
    const results = await send(lm, reqs);
    rows.forEach((row, i) => {
      const doc = task.docs[row]!;
      const scores = scoreDoc(task, row, doc, reqs[i]!, results[i]!, metrics);
      for (const m of metrics) items[m.name]!.push(scores[m.name]!);
      samples.push(sampleRecord(row, doc, reqs[i]!, results[i]!, scores));
    });
    opts.onProgress?.(c.task, start + rows.length, n);
  }
  return { task, metrics, items, numFewshot, samples };
}

/** All requests of a batch of documents in at most one call per request kind. */
async function send(lm: EvalLM, reqs: readonly DocRequests[]): Promise<(readonly LoglikelihoodResult[] | number | string)[]> {
  const ll: LoglikelihoodRequest[] = [];
  const texts: string[] = [];
  const gens = [];
  for (const r of reqs) {
    if (r.kind === "loglikelihood") ll.push(...r.reqs);
    else if (r.kind === "rolling") texts.push(r.text);
    else gens.push(r.req);
  }
  const llRes = ll.length ? await lm.loglikelihood(ll) : [];
  const rollRes = texts.length ? await lm.loglikelihoodRolling(texts) : [];
  const genRes = gens.length ? await lm.generateUntil(gens) : [];
  if (llRes.length !== ll.length || rollRes.length !== texts.length || genRes.length !== gens.length) {
    throw new Error(`${lm.name} returned ${llRes.length}/${ll.length} loglikelihood, ${rollRes.length}/${texts.length} rolling and ${genRes.length}/${gens.length} generation results; an EvalLM must answer every request, in order`);
  }
  let a = 0;
  let b = 0;
  let g = 0;
  return reqs.map((r) => {
    if (r.kind === "loglikelihood") {
      const out = llRes.slice(a, a + r.reqs.length);
      a += r.reqs.length;
      return out;
    }
    if (r.kind === "rolling") return rollRes[b++]!.logprob;
    return genRes[g++]!;
  });
}

function sampleRecord(row: number, doc: LoadedTask["docs"][number], r: DocRequests, res: readonly LoglikelihoodResult[] | number | string, scores: Record<string, Item>): SampleRecord {
  const args = r.kind === "loglikelihood" ? r.reqs.map((q) => [q.context, q.continuation]) : r.kind === "rolling" ? [[r.text]] : [[r.req.context, { until: r.req.until, max_gen_toks: r.req.maxTokens, temperature: r.req.temperature }]];
  const resps = typeof res === "object" ? res.map((x) => [x.logprob, x.isGreedy]) : [res];
  return { doc_id: row, doc, target: r.target, arguments: args, resps, metrics: scores };
}

/** Run tasks (groups expand to their subtasks) and assemble the harness-layout results. */
export async function runTasks(tasks: readonly LoadedTask[], lm: EvalLM, opts: RunOptions): Promise<HarnessResults> {
  const bootstrapIters = opts.bootstrapIters ?? 100000;
  const results: Record<string, MetricValues> = {};
  const groups: Record<string, MetricValues> = {};
  const groupSubtasks: Record<string, string[]> = {};
  const configs: Record<string, TaskConfig> = {};
  const versions: Record<string, number | string | null> = {};
  const nShot: Record<string, number> = {};
  const hib: Record<string, Record<string, boolean | null>> = {};
  const nSamples: Record<string, { original: number; effective: number }> = {};
  const samples: Record<string, SampleRecord[]> = {};
  const failed: Record<string, { error: string }> = {};

  const seen = new Set<string>();
  const all = tasks.flatMap(leaves).filter((t) => !seen.has(t.config.task) && seen.add(t.config.task));
  for (const task of all) {
    const name = task.config.task;
    try {
      const run = await runTask(task, lm, opts);
      results[name] = taskValues(run, bootstrapIters);
      configs[name] = task.config;
      versions[name] = task.config.metadata?.version ?? null;
      nShot[name] = run.numFewshot;
      hib[name] = Object.fromEntries(run.metrics.map((m) => [m.name, m.higherIsBetter]));
      nSamples[name] = { original: task.totalDocs ?? task.docs.length, effective: run.samples.length };
      samples[name] = run.samples;
      groupSubtasks[name] = [];
    } catch (e) {
      failed[name] = { error: e instanceof Error ? e.message : String(e) };
    }
  }
  const sizes = Object.fromEntries(Object.entries(nSamples).map(([k, v]) => [k, v.effective]));
  const visit = (t: LoadedTask): void => {
    if (!t.group) return;
    t.group.children.forEach(visit);
    const g = t.group.config;
    const leafNames = leaves(t).map((l) => l.config.task);
    groupSubtasks[g.group] = t.group.children.map((ch) => ch.config.task);
    const v = groupValues(g, leafNames, results, sizes);
    results[g.group] = v;
    if (g.aggregate_metric_list?.length) groups[g.group] = v;
    versions[g.group] = g.metadata?.version ?? null;
    const shots = new Set(leafNames.filter((n) => n in nShot).map((n) => nShot[n]!));
    if (shots.size === 1) nShot[g.group] = [...shots][0]!;
    const merged: Record<string, boolean | null> = {};
    for (const n of leafNames) for (const [m, h] of Object.entries(hib[n] ?? {})) merged[m] = m in merged && merged[m] !== h ? null : h;
    if (Object.keys(merged).length) hib[g.group] = merged;
  };
  tasks.forEach(visit);
  const sortKeys = <T>(o: Record<string, T>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return {
    results,
    ...(Object.keys(groups).length ? { groups } : {}),
    group_subtasks: groupSubtasks,
    configs: sortKeys(configs),
    versions: sortKeys(versions),
    "n-shot": sortKeys(nShot),
    higher_is_better: sortKeys(hib),
    "n-samples": nSamples,
    config: { model: lm.name, num_fewshot: opts.numFewshot ?? null, limit: opts.limit ?? null, bootstrap_iters: bootstrapIters, fewshot_seed: opts.seed },
    ...(Object.keys(failed).length ? { failed } : {}),
    samples,
  };
}
