// The planner: which stages one recipe trial plans, and their StageDefs. Everything pipeline-shaped (the stage
// names, where a recipe ends, --to choices, which stage holds the model) is derived from the stage registry
// (registry.ts), never listed here. Implementations load lazily: `--to clean` never loads the model package.
import type { PlannedDef, StageKind, StageRegistry } from "@lathe/engine";
import type { PlanContext } from "@lathe/recipe";

/** Top-level recipe keys that are not sections a stage reads. */
export const RECIPE_META = ["name", "seed", "extends", "vars", "sweep"] as const;

/**
 * The kinds a recipe's own pipeline plans: those its written sections ask for (extends, --set and sweep paths
 * included; defaults are not "written"), plus their upstream. A recipe that writes no stage's section gets the
 * kinds asked for by the first registered kind's sections (a data-only pipeline), so it still plans something.
 */
export function recipeKinds(registry: StageRegistry<PlanContext>, written: ReadonlySet<string>): StageKind<PlanContext>[] {
  const chosen = registry.select(written);
  if (chosen.length > 0 || registry.kinds.length === 0) return chosen;
  return registry.select(new Set(registry.kinds[0]!.wantedBy));
}

/** The kinds planned to build `until` (a stage name): it and its upstream. */
export function kindsUntil(registry: StageRegistry<PlanContext>, until: string): StageKind<PlanContext>[] {
  return registry.select(new Set(), until);
}

/** The last stage among `kinds` that produces `artifact` ("model": the stage sample, export and eval use). */
export function latestProducer(kinds: readonly StageKind<PlanContext>[], artifact: string): StageKind<PlanContext> | undefined {
  return kinds.findLast((k) => k.produces.includes(artifact));
}

/** All stages of one trial, upstream first, with the artifacts each holds. */
export function planTrial(registry: StageRegistry<PlanContext>, ctx: PlanContext, kinds: readonly StageKind<PlanContext>[]): Promise<PlannedDef[]> {
  return registry.planStages(ctx, kinds, (name) => ctx.id(name));
}

/**
 * The ids of one trial's stages holding `artifact`, upstream first ("model": the pretrained model, then each
 * fine-tuning stage's policy). The last is the one sample, export, serve and eval use.
 */
export function holders(stages: readonly PlannedDef[], artifact: string): string[] {
  return stages.filter((s) => s.artifacts.includes(artifact)).map((s) => s.def.id);
}
