// The planner: turns each trial's PlanContext into stage definitions by chaining the domain factories
// data → tokenizer → model, as ARCHITECTURE.md specifies. The one place that knows the pipeline's shape.
// Packages load lazily: `--to clean` never loads the model package (nor WebGPU), which keeps such builds fast.
import type { StageDef } from "@lathe/engine";
import type { PlanContext } from "@lathe/recipe";

/** The stage factories of ARCHITECTURE.md, one per domain package. */
export interface Factories {
  dataStages(ctx: PlanContext): { collect: StageDef; clean: StageDef };
  tokenizerStages(ctx: PlanContext, deps: { clean: StageDef }): { tokenizer: StageDef; pack: StageDef };
  modelStages(ctx: PlanContext, deps: { clean: StageDef; tokenizer: StageDef; pack: StageDef }): { train: StageDef; sample: StageDef };
}

/** Stage names of one trial in pipeline order (a trial's ids are ctx.id(name)). */
export const PIPELINE = ["collect", "clean", "tokenizer", "pack", "train", "sample"] as const;

/**
 * Where a recipe's own pipeline ends, from the top-level sections written in it (its extends chain, --set and sweep
 * paths included; defaults are not "written"): a model or train section → the whole pipeline; a tokenizer section →
 * up to pack; otherwise a data-only recipe → up to clean. So `lathe build data.yaml` never trains a default model.
 */
export function recipeEnd(written: ReadonlySet<string>): "clean" | "pack" | "sample" {
  if (written.has("model") || written.has("train")) return "sample";
  if (written.has("tokenizer")) return "pack";
  return "clean";
}

/** The section a recipe must write for it to plan a stage (the first section of the stage's package). */
export function sectionFor(stage: string): string {
  const i = (PIPELINE as readonly string[]).indexOf(stage);
  return i < 2 ? "datasets" : i < 4 ? "tokenizer" : "model";
}

/** True when `stage` comes after `end` in the pipeline. */
export function isBeyond(stage: string, end: string): boolean {
  return (PIPELINE as readonly string[]).indexOf(stage) > (PIPELINE as readonly string[]).indexOf(end);
}

/** Imports the domain packages that planning up to `until` (default: everything) needs. */
export async function loadFactories(until?: string): Promise<Partial<Factories>> {
  const f: Partial<Factories> = { ...(await import("@lathe/data")) };
  if (until === "collect" || until === "clean") return f;
  Object.assign(f, await import("@lathe/tokenizer"));
  if (until === "tokenizer" || until === "pack") return f;
  Object.assign(f, await import("@lathe/model"));
  return f;
}

/**
 * All stages of one trial, upstream first. With `until` (a name from PIPELINE), stops once that stage is planned;
 * `f` then needs only the factories up to that stage (loadFactories(until) loads just those).
 */
export function planTrial(ctx: PlanContext, f: Partial<Factories>, until?: string): StageDef[] {
  const out: StageDef[] = [];
  const done = () => until !== undefined && out.some((s) => s.id === ctx.id(until));
  const d = f.dataStages!(ctx);
  out.push(d.collect, d.clean);
  if (done()) return out;
  const t = f.tokenizerStages!(ctx, { clean: d.clean });
  out.push(t.tokenizer, t.pack);
  if (done()) return out;
  const m = f.modelStages!(ctx, { clean: d.clean, tokenizer: t.tokenizer, pack: t.pack });
  out.push(m.train, m.sample);
  return out;
}
