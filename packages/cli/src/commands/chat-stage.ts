// Which planned stage `lathe chat --stage X` (and /stage X) means: "base" is the pretraining stage (train), any other
// name is a model-producing stage of the trial by its name (sft, dpo, rl, or a fine-tuning stage's own `name`), and no
// name is the latest model the recipe makes (what sample and export use).
import type { PlanContext } from "@lathe/recipe";
import { closest, UsageError } from "../args.ts";
import { modelStageIds, type PlannedRecipe } from "../load.ts";

/** A model stage of one trial: its name as typed ("base", "sft") and its id in the graph ("trial-2/sft"). */
export interface ChatStage {
  readonly name: string;
  readonly id: string;
}

const BASE = "base";
const PRETRAIN = "train";

/** The trial's model-holding stages, upstream first; the pretraining stage is named "base". */
export function chatStages(recipe: PlannedRecipe, ctx: PlanContext): ChatStage[] {
  const prefix = ctx.id("x").slice(0, -1); // "" or "trial-2/"
  return modelStageIds(recipe, ctx).models.map((id) => {
    const own = id.startsWith(prefix) ? id.slice(prefix.length) : id;
    return { name: own === PRETRAIN ? BASE : own, id };
  });
}

/**
 * The stage `name` means in this trial (undefined: the latest model stage). A name the recipe has no model stage for
 * is a UsageError of `command` listing the ones it has; `via` is how the user picks one ("--stage" or "/stage").
 */
export function resolveChatStage(recipe: PlannedRecipe, ctx: PlanContext, name: string | undefined, o: { command?: string; via?: string } = {}): ChatStage {
  const stages = chatStages(recipe, ctx);
  if (name === undefined) return stages.at(-1)!;
  const want = name === PRETRAIN ? BASE : name;
  const found = stages.find((s) => s.name === want);
  if (found) return found;
  const listed = stages.map((s) => (s.name === BASE ? `${BASE} (${PRETRAIN})` : s.name)).join(", ");
  const guess = closest(want, stages.map((s) => s.name));
  const via = o.via ?? "--stage";
  throw new UsageError(
    o.command ?? "chat",
    name,
    `${recipe.shown} has no ${name} stage; its model stages are: ${listed}`,
    guess ? `did you mean ${via} ${guess}?` : `chat with one of those (${via} ${stages.at(-1)!.name}), or add the stage to the recipe's finetune: list and build it`,
  );
}
