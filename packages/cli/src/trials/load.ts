// Loading the trial table's data without building anything: plan the recipe's graph against the cache (hits give
// the output folders), then read each trial's train, eval and sample outputs. Which stage is which comes from the
// stage registry (the latest producer of "model", "report", "sample"), never from stage names.
import { plan } from "@lathe/engine";
import type { ReportCard } from "@lathe/eval";
import type { Recipe } from "@lathe/recipe";
import { UsageError } from "../args.ts";
import { modelStageIds, type PlannedRecipe } from "../load.ts";
import { latestProducer } from "../plan.ts";
import { recipeName } from "../commands/models.ts";
import type { Workspace } from "../workspace.ts";
import { readEvalDir, readSampleDir, readTrainDir, type MetricPoint, type SummaryJson } from "./read.ts";
import { lastRunRecords, trialStatus, type TrialStatus } from "./status.ts";

export interface TrialData {
  /** "trial-3"; the recipe's name when it has no sweep. */
  readonly name: string;
  /** The trial's full recipe (defaults applied). */
  readonly recipe: Recipe;
  readonly status: TrialStatus;
  /** Why it failed or stopped, when known. */
  readonly detail?: string;
  readonly summary?: SummaryJson;
  /** metrics.jsonl; empty when not built. */
  readonly history: readonly MetricPoint[];
  /** The eval stage's report card, when the recipe evaluates and the stage is built. */
  readonly card?: ReportCard;
  /** sample.txt, when built. */
  readonly sample?: string;
  /** Wall time of training: the trainer's elapsed time (across resumes), else the last run's stage time. */
  readonly durationMs?: number;
}

/** The trial name of a plan context: the prefix of its stage ids, or the recipe's name without a sweep. */
export function trialName(recipe: PlannedRecipe, id: (name: string) => string): string {
  return id("x").slice(0, -1).replace(/\/$/, "") || recipeName(recipe);
}

export async function loadTrials(ws: Workspace, recipe: PlannedRecipe, command: string): Promise<TrialData[]> {
  if (!latestProducer(recipe.kinds, "model")) {
    throw new UsageError(command, recipe.shown, `${recipe.shown} trains no model (its pipeline ends at ${recipe.end}), so it has no trials to compare`, "add model: and train: sections, or give a recipe that has them");
  }
  const evalKind = latestProducer(recipe.kinds, "report");
  const sampleKind = latestProducer(recipe.kinds, "sample");
  const planned = await plan(recipe.graph, { cacheDir: ws.cacheDir, root: ws.root });
  const byId = new Map(planned.map((p) => [p.id, p]));
  const trainIds = recipe.contexts.map((ctx) => modelStageIds(recipe, ctx).model);
  const records = lastRunRecords(ws.cacheDir, new Set(trainIds.flatMap((id) => byId.get(id)?.key ?? [])));
  return recipe.contexts.map((ctx, i) => {
    const train = byId.get(trainIds[i]!);
    const out = (id: string | undefined) => (id === undefined ? undefined : byId.get(id)?.outDir);
    const trainDir = out(trainIds[i]);
    const files = trainDir ? readTrainDir(trainDir) : { history: [] };
    const evalDir = out(evalKind && ctx.id(evalKind.name));
    const sampleDir = out(sampleKind && ctx.id(sampleKind.name));
    const card = evalDir ? readEvalDir(evalDir) : undefined;
    const sample = sampleDir ? readSampleDir(sampleDir) : undefined;
    const last = train ? records.get(train.key) : undefined;
    const { status, detail } = trialStatus(files.summary, trainDir !== undefined, last);
    const elapsed = files.summary?.elapsed_s;
    const durationMs = typeof elapsed === "number" ? elapsed * 1000 : last?.durationMs;
    return {
      name: trialName(recipe, ctx.id),
      recipe: ctx.recipe,
      status,
      ...(detail === undefined ? {} : { detail }),
      ...files,
      ...(card ? { card } : {}),
      ...(sample === undefined ? {} : { sample }),
      ...(durationMs === undefined ? {} : { durationMs }),
    };
  });
}
