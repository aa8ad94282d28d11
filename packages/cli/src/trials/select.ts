// sweep.select: which trial the single-model commands (sample, export, serve) use when a sweep is given without
// --trial — the built trial with the best value of `select.metric` (a summary.json key, or `<task>.<metric>` from
// the eval stage's report card) — and the line that says so on stderr. compare marks the same trial.
import type { PlanContext } from "@lathe/recipe";
import { UsageError } from "../args.ts";
import { latestProducer } from "../plan.ts";
import { loadPlanned, pickTrial, type PlannedRecipe } from "../load.ts";
import { formatMetric } from "../ui/format.ts";
import type { Workspace } from "../workspace.ts";
import { loadTrials, type TrialData } from "./load.ts";

/** The numeric fields of the train stage's summary.json: what a select metric without a task names. */
export const SUMMARY_METRICS = ["val_loss", "val_bpb", "train_loss", "tokens_per_s", "elapsed_s", "steps", "tokens", "params", "flops_per_token"] as const;

export interface SelectSpec {
  readonly metric: string;
  readonly mode: "min" | "max";
}

export interface Selection {
  /** Index of the chosen trial among the recipe's trials (and contexts). */
  readonly index: number;
  readonly trial: string;
  readonly metric: string;
  readonly value: number;
  /** How many trials are built (done or stopped early). */
  readonly built: number;
}

const isBuilt = (t: TrialData) => t.status === "done" || t.status === "stopped early";

/** A trial's value of a select metric: a summary.json number, or "task.metric" from its report card's task rows. */
export function metricValue(t: TrialData, metric: string): number | undefined {
  const s = (t.summary as Record<string, unknown> | undefined)?.[metric];
  if (typeof s === "number" && Number.isFinite(s)) return s;
  const dot = metric.lastIndexOf(".");
  if (dot <= 0) return undefined;
  const name = `${metric.slice(0, dot)} ${metric.slice(dot + 1)}`;
  const v = t.card?.rows.find((r) => r.group === "tasks" && r.name === name)?.cells[0]?.value;
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

/** "brown_next.acc" for each task row of the built trials' report cards. */
function cardMetrics(trials: readonly TrialData[]): string[] {
  const out = new Set<string>();
  for (const t of trials) for (const r of t.card?.rows ?? []) if (r.group === "tasks") out.add(r.name.replace(" ", "."));
  return [...out];
}

/** The task names an eval stage of the recipe would report ("tasks/mine.yaml" → "mine"); none without one. */
function evalTasks(recipe: PlannedRecipe): string[] {
  if (!latestProducer(recipe.kinds, "report")) return [];
  const tasks = (recipe.contexts[0]?.recipe as { eval?: { tasks?: unknown[] } }).eval?.tasks ?? [];
  return tasks.map((t) => (typeof t === "string" ? t : String((t as { task?: unknown }).task ?? ""))).map((t) => t.replace(/^.*\//, "").replace(/\.ya?ml$/, ""));
}

/**
 * Refuses a select metric that no stage of the recipe produces, naming the field and the metrics available: not a
 * summary.json field, and not `<task>.<metric>` of a task the eval stage runs (or, once a card is built, reports).
 */
export function checkSelectMetric(command: string, recipe: PlannedRecipe, trials: readonly TrialData[], metric: string): void {
  if ((SUMMARY_METRICS as readonly string[]).includes(metric)) return;
  const reported = cardMetrics(trials);
  if (reported.includes(metric)) return;
  const dot = metric.lastIndexOf(".");
  const task = dot > 0 ? metric.slice(0, dot) : "";
  const tasks = evalTasks(recipe);
  const cardHasTask = reported.some((m) => m.startsWith(`${task}.`));
  if (task !== "" && tasks.includes(task) && !cardHasTask) return; // its eval is not built yet: the metric may come
  const available = [...SUMMARY_METRICS, ...(reported.length > 0 ? reported : tasks.map((t) => `${t}.<metric>`))];
  throw new UsageError(command, metric, `sweep.select.metric "${metric}" is not a metric any stage of ${recipe.shown} produces`, `the metrics available are: ${available.join(", ")}`);
}

/** The built trial with the best value of the metric (ties: the earlier trial); undefined when none has one. */
export function selectTrial(trials: readonly TrialData[], spec: SelectSpec): Selection | undefined {
  const built = trials.filter(isBuilt).length;
  let best: Selection | undefined;
  trials.forEach((t, index) => {
    if (!isBuilt(t)) return;
    const value = metricValue(t, spec.metric);
    if (value === undefined) return;
    const better = best === undefined || (spec.mode === "max" ? value > best.value : value < best.value);
    if (better) best = { index, trial: t.name, metric: spec.metric, value, built };
  });
  return best;
}

/** "using trial-3 (val_bpb 2.14, best of 9 built trials; sweep.select)". */
export function selectionNote(s: Selection): string {
  return `using ${s.trial} (${s.metric} ${formatMetric(s.value)}, best of ${s.built} built trial${s.built === 1 ? "" : "s"}; sweep.select)`;
}

/** The recipe's sweep.select, when it has a metric and more than one trial; else undefined. */
export function selectSpec(recipe: PlannedRecipe): SelectSpec | undefined {
  const select = recipe.contexts[0]?.recipe.sweep.select;
  return recipe.contexts.length > 1 && select && select.metric !== "" ? { metric: select.metric, mode: select.mode } : undefined;
}

/**
 * The selected trial of a sweep with sweep.select, from what is in the cache (it builds nothing): plans the whole
 * recipe (the eval stage included, for task metrics) and reads its trials. Undefined without a select or a built
 * trial that has the metric; a metric no stage produces is a UsageError.
 */
export async function selectedTrial(ws: Workspace, command: string, recipe: PlannedRecipe, sets: readonly string[]): Promise<Selection | undefined> {
  const spec = selectSpec(recipe);
  if (!spec) return undefined;
  const full = await loadPlanned(ws, recipe.file, { sets, command });
  const trials = await loadTrials(ws, full, command);
  checkSelectMetric(command, full, trials, spec.metric);
  return selectTrial(trials, spec);
}

/**
 * The trial a single-model command uses: --trial's, the only one, or the sweep.select choice (said on stderr);
 * otherwise pickTrial's error naming --trial.
 */
export async function chooseTrial(ws: Workspace, command: string, recipe: PlannedRecipe, trial: string | undefined, sets: readonly string[]): Promise<PlanContext> {
  if (trial !== undefined || recipe.contexts.length === 1) return pickTrial(command, recipe, trial);
  const spec = selectSpec(recipe);
  const chosen = await selectedTrial(ws, command, recipe, sets);
  if (!chosen) return pickTrial(command, recipe, undefined, spec ? `none of them is built with a ${spec.metric} for sweep.select to compare` : undefined);
  process.stderr.write(`lathe ${command}: ${selectionNote(chosen)}\n`);
  return recipe.contexts[chosen.index]!;
}
