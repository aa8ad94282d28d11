// Recipe file(s) → stage graph: load with --set overrides, expand the sweep into trials, plan each trial,
// and optionally cut the graph down to what some target stages need.
import { existsSync } from "node:fs";
import { basename, relative, resolve } from "node:path";
import type { StageDef } from "@lathe/engine";
import { loadRecipe, planContexts, type LoadedRecipe, type PlanContext } from "@lathe/recipe";
import { closest, UsageError } from "./args.ts";
import { isBeyond, loadFactories, planTrial, recipeEnd, sectionFor } from "./plan.ts";
import { allRecipes, type Workspace } from "./workspace.ts";

export interface PlannedRecipe {
  /** Absolute path. */
  readonly file: string;
  /** Path as shown to the user (relative to cwd). */
  readonly shown: string;
  readonly contexts: readonly PlanContext[];
  /** The last pipeline stage the recipe itself asks for (see plan.ts recipeEnd); planning stops there. */
  readonly end: "clean" | "pack" | "sample";
  /** Every stage of every trial, upstream first. */
  readonly graph: readonly StageDef[];
}

export interface LoadOptions {
  readonly sets?: readonly string[];
  /**
   * Plan each trial only up to this pipeline stage (see plan.ts PIPELINE). A stage past the recipe's own end
   * (a data-only recipe asked for `train`) is a UsageError of `command`.
   */
  readonly until?: string;
  /** The command, for messages. @default "build" */
  readonly command?: string;
}

/** Resolves a recipe argument against cwd; a missing file is a UsageError naming it, with the closest recipe. */
export function recipePath(ws: Workspace, command: string, arg: string): string {
  const file = resolve(arg);
  if (existsSync(file)) return file;
  const known = allRecipes(ws).map((f) => relative(process.cwd(), f));
  const guess = closest(arg, known) ?? closest(basename(arg), known.map((k) => basename(k)));
  const full = guess === undefined ? undefined : known.find((k) => k === guess || basename(k) === guess);
  throw new UsageError(
    command,
    arg,
    `recipe ${arg} does not exist`,
    full ? `did you mean ${full}?` : known.length > 0 ? `the recipes are: ${known.join(", ")}` : "give the path of a .yaml recipe",
  );
}

export async function loadPlanned(ws: Workspace, file: string, opts: LoadOptions = {}): Promise<PlannedRecipe> {
  const loaded = await loadRecipe(file, { set: opts.sets ?? [], root: ws.root });
  const shown = relative(process.cwd(), file) || file;
  const written = writtenSections(loaded);
  const end = recipeEnd(written);
  if (opts.until !== undefined && isBeyond(opts.until, end)) {
    const section = sectionFor(opts.until);
    const missing = ["tokenizer", "model", "train"].filter((s) => !written.has(s));
    const command = opts.command ?? "build";
    throw new UsageError(
      command,
      opts.until,
      `${shown} has no "${opts.until}" stage: it writes no ${orList(missing)} section, so its pipeline ends at ${end}`,
      `add a ${section}: section to the recipe (or extend a recipe that has one)${command === "build" ? `, or build up to ${end} with --to ${end}` : ""}`,
    );
  }
  const until = opts.until ?? end;
  const contexts = planContexts(loaded);
  const factories = await loadFactories(until);
  const graph = contexts.flatMap((ctx) => planTrial(ctx, factories, until));
  return { file, shown, contexts, end, graph };
}

/** "a", "a or b", "a, b or c". */
function orList(items: readonly string[]): string {
  return items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} or ${items.at(-1)}`;
}

/**
 * Top-level sections present in the recipe as written, before defaults: its merged extends chain with --set applied,
 * plus the sections that sweep paths vary (a grid over `train.lr` makes a train section).
 */
export function writtenSections(loaded: LoadedRecipe): Set<string> {
  const out = new Set<string>();
  if (loaded.tree.kind === "map") for (const key of loaded.tree.entries.keys()) out.add(key);
  const sweep = loaded.recipe.sweep;
  for (const path of [...Object.keys(sweep.grid), ...Object.keys(sweep.zip), ...Object.keys(sweep.random.params)]) out.add(path.split(".")[0]);
  return out;
}

/** The given stages and everything upstream of them, in graph order. */
export function upstreamOf(graph: readonly StageDef[], targets: readonly string[]): StageDef[] {
  const byId = new Map(graph.map((s) => [s.id, s]));
  const keep = new Set<string>();
  const visit = (id: string) => {
    if (keep.has(id)) return;
    keep.add(id);
    const s = byId.get(id);
    if (!s) return;
    for (const input of Object.values(s.inputs)) if ("stage" in input) visit(input.stage);
  };
  for (const t of targets) visit(t);
  return graph.filter((s) => keep.has(s.id));
}

/** A stage id the user typed, checked against the graph (with "did you mean"). */
export function checkStageId(command: string, recipe: PlannedRecipe, id: string): string {
  if (recipe.graph.some((s) => s.id === id)) return id;
  const ids = recipe.graph.map((s) => s.id);
  const guess = closest(id, ids);
  throw new UsageError(
    command,
    id,
    `${recipe.shown} has no stage "${id}"`,
    guess ? `did you mean "${guess}"?` : `its stages are: ${ids.join(", ")}`,
  );
}

/** The trial to use for a single-model command (sample, export): the only one, or the one --trial names. */
export function pickTrial(command: string, recipe: PlannedRecipe, trial: string | undefined): PlanContext {
  const prefix = (ctx: PlanContext) => ctx.id("x").slice(0, -1).replace(/\/$/, "");
  if (trial === undefined) {
    if (recipe.contexts.length === 1) return recipe.contexts[0];
    throw new UsageError(
      command,
      undefined,
      `${recipe.shown} is a sweep of ${recipe.contexts.length} trials`,
      `pick one with --trial, e.g. --trial ${prefix(recipe.contexts[0])} (trials: ${recipe.contexts.map(prefix).join(", ")})`,
    );
  }
  const ctx = recipe.contexts.find((c) => prefix(c) === trial);
  if (ctx) return ctx;
  const names = recipe.contexts.map(prefix);
  const guess = closest(trial, names);
  throw new UsageError(command, trial, `${recipe.shown} has no trial "${trial}"`, guess ? `did you mean --trial ${guess}?` : `its trials are: ${names.join(", ")}`);
}
