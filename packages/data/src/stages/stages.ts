// The collect and clean stages of one recipe trial (ARCHITECTURE.md "Planning"): each a plan function that reads
// only its section into params, and a run function of params and inputs alone (no closure over the recipe), so a
// worker that holds just the StageDef can run it. kinds.ts registers them with the planner.
import { dirname, join, relative, resolve } from "node:path";
import type { Json, StageContext, StageDef, StageImpl } from "@lathe/engine";
import type { Clean, Datasets } from "../params.ts";
import type { ReadContext } from "../read/source.ts";
import { sourceFiles } from "../read/resolve.ts";
import { resolveClean, resolveDatasets } from "../section.ts";
import { runClean } from "./clean.ts";
import { runCollect } from "./collect.ts";
import { taskInputFiles } from "./eval-tasks.ts";
import { cacheDirOf, type DataPlanContext } from "./context.ts";

/** Bump when the same params and inputs would produce different output. */
export const COLLECT_VERSION = "2";
export const CLEAN_VERSION = "2";

/** Params of both stages: their section, and the recipe's folder relative to the root (relative paths resolve there). */
interface CollectParams {
  readonly datasets: Datasets;
  readonly base: string;
}
interface CleanParams {
  readonly clean: Clean;
  readonly base: string;
}

function uniqueFiles(sources: Datasets, baseDir: string, root: string): string[] {
  return [...new Set(sources.flatMap((s) => sourceFiles(s, baseDir, root)))];
}

/** Where the recipe's relative paths resolve, as a path relative to the root ("recipes"), the same on every machine. */
function baseOf(ctx: DataPlanContext): string {
  return relative(ctx.root, dirname(ctx.file)).split("\\").join("/");
}

function readContext(sc: StageContext, base: string): ReadContext {
  return { baseDir: resolve(sc.root, base), root: sc.root, cacheDir: cacheDirOf(sc.root) };
}

export const collectStage: StageImpl<DataPlanContext> = {
  plan(ctx, id): StageDef {
    const datasets = resolveDatasets(ctx.recipe.datasets);
    const files = uniqueFiles(datasets, dirname(ctx.file), ctx.root);
    const params: CollectParams = { datasets, base: baseOf(ctx) };
    return {
      id,
      kind: "data.collect",
      version: COLLECT_VERSION,
      // Keyed by section name so `lathe explain` reads "param datasets.0.path ..." rather than "param 0.path ...".
      params: params as unknown as Json,
      inputs: files.length > 0 ? { files: { files } } : ({} as Record<string, never>),
      title: `collect ${datasets.length} source${datasets.length === 1 ? "" : "s"}`,
      run: collectStage.run,
    };
  },
  async run(sc) {
    const p = sc.params as unknown as CollectParams;
    await runCollect(p.datasets, readContext(sc, p.base), sc);
  },
};

export const cleanStage: StageImpl<DataPlanContext> = {
  plan(ctx, id, inputs): StageDef {
    const clean = resolveClean(ctx.recipe.clean);
    const evalFiles = uniqueFiles(clean.flatMap((r) => (r.rule === "decontaminate" ? r.sets : [])), dirname(ctx.file), ctx.root);
    // Only the eval tasks named in decontaminate's tasks: are inputs, so adding an eval task elsewhere keeps this key.
    const taskFiles = taskInputFiles(clean, dirname(ctx.file));
    const params: CleanParams = { clean, base: baseOf(ctx) };
    return {
      id,
      kind: "data.clean",
      version: CLEAN_VERSION,
      params: params as unknown as Json,
      inputs: {
        collect: { stage: inputs.collect! },
        ...(evalFiles.length > 0 ? { eval: { files: evalFiles } } : {}),
        ...(taskFiles.length > 0 ? { tasks: { files: taskFiles } } : {}),
      },
      title: `clean ${clean.length} rule${clean.length === 1 ? "" : "s"}`,
      run: cleanStage.run,
    };
  },
  async run(sc) {
    const p = sc.params as unknown as CleanParams;
    await runClean(p.clean, join(sc.inputs.collect as string, "docs.jsonl"), readContext(sc, p.base), sc);
  },
};

/** Both data stages of one trial, chained (for tests and tools that plan without the registry). */
export function dataStages(ctx: DataPlanContext): { collect: StageDef; clean: StageDef } {
  const collect = collectStage.plan(ctx, ctx.id("collect"), {});
  return { collect, clean: cleanStage.plan(ctx, ctx.id("clean"), { collect: collect.id }) };
}
