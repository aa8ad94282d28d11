// dataStages(ctx): the collect and clean StageDefs for one recipe trial (ARCHITECTURE.md "Planning").
import { dirname, join } from "node:path";
import type { Json, StageDef } from "@lathe/engine";
import type { Clean, Datasets } from "../params.ts";
import { sourceFiles } from "../read/resolve.ts";
import { resolveClean, resolveDatasets } from "../section.ts";
import { runClean } from "./clean.ts";
import { runCollect } from "./collect.ts";
import { cacheDirOf, type DataPlanContext } from "./context.ts";

/** Bump when the same params and inputs would produce different output. */
export const COLLECT_VERSION = "2";
export const CLEAN_VERSION = "2";

function uniqueFiles(sources: Datasets, baseDir: string, root: string): string[] {
  return [...new Set(sources.flatMap((s) => sourceFiles(s, baseDir, root)))];
}

export function dataStages(ctx: DataPlanContext): { collect: StageDef; clean: StageDef } {
  const datasets = resolveDatasets(ctx.recipe.datasets);
  const clean = resolveClean(ctx.recipe.clean);
  const baseDir = dirname(ctx.file);
  const rc = { baseDir, root: ctx.root, cacheDir: cacheDirOf(ctx.root) };
  const files = uniqueFiles(datasets, baseDir, ctx.root);
  const collect: StageDef = {
    id: ctx.id("collect"),
    kind: "data.collect",
    version: COLLECT_VERSION,
    // Keyed by section name so `lathe explain` reads "param datasets.0.path ..." rather than "param 0.path ...".
    params: { datasets } as unknown as Json,
    inputs: files.length > 0 ? { files: { files } } : {},
    title: `collect ${datasets.length} source${datasets.length === 1 ? "" : "s"}`,
    async run(sc) {
      await runCollect((sc.params as unknown as { datasets: Datasets }).datasets, rc, sc);
    },
  };
  const evalFiles = uniqueFiles(clean.flatMap((r) => (r.rule === "decontaminate" ? r.sets : [])), baseDir, ctx.root);
  const cleanStage: StageDef = {
    id: ctx.id("clean"),
    kind: "data.clean",
    version: CLEAN_VERSION,
    params: { clean } as unknown as Json,
    inputs: { collect: { stage: collect.id }, ...(evalFiles.length > 0 ? { eval: { files: evalFiles } } : {}) },
    title: `clean ${clean.length} rule${clean.length === 1 ? "" : "s"}`,
    async run(sc) {
      await runClean((sc.params as unknown as { clean: Clean }).clean, join(sc.inputs.collect as string, "docs.jsonl"), rc, sc);
    },
  };
  return { collect, clean: cleanStage };
}
