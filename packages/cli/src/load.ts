// Recipe file(s) → stage graph: load with --set overrides, expand the sweep into trials, plan each trial,
// and optionally cut the graph down to what some target stages need.
import { existsSync } from "node:fs";
import { basename, relative, resolve } from "node:path";
import type { PlannedDef, StageDef, StageKind, StageRegistry } from "@lathe/engine";
import { loadRecipe, planContexts, RecipeError, type LoadedRecipe, type PlanContext, type Recipe } from "@lathe/recipe";
import { closest, UsageError } from "./args.ts";
import { holders, kindsUntil, latestProducer, planTrial, RECIPE_META, recipeKinds } from "./plan.ts";
import { stageRegistry } from "./registry.ts";
import { allRecipes, type Workspace } from "./workspace.ts";

export interface PlannedRecipe {
  /** Absolute path. */
  readonly file: string;
  /** Path as shown to the user (relative to cwd). */
  readonly shown: string;
  readonly contexts: readonly PlanContext[];
  /** The last stage of the recipe's own pipeline (see plan.ts recipeKinds); planning stops there. */
  readonly end: string;
  /** The stage kinds each trial plans, in order. */
  readonly kinds: readonly StageKind<PlanContext>[];
  /** Every stage of every trial, upstream first. */
  readonly graph: readonly StageDef[];
  /** Each trial's stages with the artifacts they hold, in the order of contexts. */
  readonly trials: readonly (readonly PlannedDef[])[];
  /** The recipe the trials vary (defaults applied; its sweep kept): sweep.scaling.predict applies to it. */
  readonly base: Recipe;
}

export interface LoadOptions {
  readonly sets?: readonly string[];
  /**
   * Plan each trial only up to this stage (a registered stage name). A stage past the recipe's own end (a data-only
   * recipe asked for `train`) is a UsageError of `command`.
   */
  readonly until?: string;
  /**
   * Plan up to the recipe's latest stage producing this artifact ("model": the stage `sample` and `export` use;
   * a fine-tuning stage once one is registered and written). None is a UsageError of `command`.
   */
  readonly untilProducer?: string;
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
  const registry = stageRegistry();
  const written = writtenSections(loaded);
  checkSectionsRead(loaded, written, registry);
  const own = recipeKinds(registry, written);
  const end = own.at(-1)?.name ?? "";
  const command = opts.command ?? "build";
  let until = opts.until;
  if (opts.untilProducer !== undefined) {
    until = latestProducer(own, opts.untilProducer)?.name ?? registry.kinds.find((k) => k.produces.includes(opts.untilProducer!))?.name;
    if (until === undefined) throw new UsageError(command, undefined, `no registered stage produces a ${opts.untilProducer}`, "install the package that contributes one");
  }
  if (until !== undefined && !registry.byName(until)) {
    throw new UsageError(command, until, `no stage is named "${until}"`, `the stages are: ${registry.names().join(", ")}`);
  }
  if (until !== undefined && !own.some((k) => k.name === until)) {
    const path = kindsUntil(registry, until).filter((k) => !own.includes(k));
    const missing = [...new Set(path.flatMap((k) => k.wantedBy))].filter((s) => !written.has(s));
    const section = registry.byName(until)!.wantedBy[0] ?? missing[0];
    throw new UsageError(
      command,
      until,
      `${shown} has no "${until}" stage: it writes no ${orList(missing)} section, so its pipeline ends at ${end}`,
      `add a ${section}: section to the recipe (or extend a recipe that has one)${command === "build" ? `, or build up to ${end} with --to ${end}` : ""}`,
    );
  }
  // Up to a stage of the recipe's own pipeline (checked above): it and what it consumes there, e.g. eval after the
  // recipe's fine-tuning stages.
  const kinds = until === undefined ? own : registry.upstream(own, until);
  const contexts = planContexts(loaded);
  await registry.load(kinds);
  const trials = await Promise.all(contexts.map((ctx) => planTrial(registry, ctx, kinds)));
  return { file, shown, contexts, end, kinds, graph: trials.flat().map((s) => s.def), trials, base: loaded.recipe };
}

/**
 * A written section that no registered stage reads would be accepted and do nothing (a `finetune:` section before
 * any stage reads it): a RecipeError at the section's key.
 */
export function checkSectionsRead(loaded: LoadedRecipe, written: ReadonlySet<string>, registry: StageRegistry<PlanContext>): void {
  const read = registry.sections();
  const unread = [...written].filter((s) => !(RECIPE_META as readonly string[]).includes(s) && !read.has(s));
  if (unread.length === 0) return;
  const entries = loaded.tree.kind === "map" ? loaded.tree.entries : new Map();
  const shown = relative(process.cwd(), loaded.file) || loaded.file;
  throw new RecipeError(
    unread.map((s) => {
      const loc = entries.get(s)?.keyLoc ?? { file: shown, line: 0, col: 0 };
      return {
        file: loc.file, line: loc.line, col: loc.col, pointer: `/${s}`,
        message: `no stage reads the ${s}: section yet, so it would do nothing`,
        hint: `remove it; the sections stages read are ${[...read].sort().join(", ")}`,
      };
    }),
  );
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

/**
 * The stage of one trial that holds the model (its latest: a fine-tuning stage's policy when the recipe has them,
 * else train), every stage holding a model (`models`, upstream first), and its tokenizer stage.
 */
export function modelStageIds(recipe: PlannedRecipe, ctx: PlanContext): { model: string; models: string[]; tokenizer: string } {
  const stages = recipe.trials[recipe.contexts.indexOf(ctx)] ?? [];
  const models = holders(stages, "model");
  const tokenizer = holders(stages, "tokenizer").at(-1);
  if (models.length === 0 || !tokenizer) throw new Error(`${recipe.shown}: planned without a model stage (plan it with untilProducer: "model")`);
  return { model: models.at(-1)!, models, tokenizer };
}

/**
 * The trial to use for a single-model command (sample, export): the only one, or the one --trial names. `why` adds
 * to the error of a sweep without --trial (why sweep.select could not choose: trials/select.ts chooseTrial).
 */
export function pickTrial(command: string, recipe: PlannedRecipe, trial: string | undefined, why?: string): PlanContext {
  const prefix = (ctx: PlanContext) => ctx.id("x").slice(0, -1).replace(/\/$/, "");
  if (trial === undefined) {
    if (recipe.contexts.length === 1) return recipe.contexts[0];
    throw new UsageError(
      command,
      undefined,
      `${recipe.shown} is a sweep of ${recipe.contexts.length} trials${why ? ` and ${why}` : ""}`,
      `pick one with --trial, e.g. --trial ${prefix(recipe.contexts[0])} (trials: ${recipe.contexts.map(prefix).join(", ")})`,
    );
  }
  const ctx = recipe.contexts.find((c) => prefix(c) === trial);
  if (ctx) return ctx;
  const names = recipe.contexts.map(prefix);
  const guess = closest(trial, names);
  throw new UsageError(command, trial, `${recipe.shown} has no trial "${trial}"`, guess ? `did you mean --trial ${guess}?` : `its trials are: ${names.join(", ")}`);
}
