// tokenizerStages: the planner factory for the tokenizer and pack stages (see ARCHITECTURE.md).
import type { StageDef } from "@lathe/engine";
import type { PlanContext } from "@lathe/recipe";
import { packStage } from "./pack-stage.ts";
import { tokenizerStage } from "./tokenizer-stage.ts";

/** The slice of PlanContext the factory reads: only the tokenizer section, so edits elsewhere never rerun it. */
export type TokenizerPlanContext = Pick<PlanContext, "file" | "root" | "id"> & { readonly recipe: Pick<PlanContext["recipe"], "tokenizer"> };

export function tokenizerStages(ctx: TokenizerPlanContext, deps: { clean: StageDef }): { tokenizer: StageDef; pack: StageDef } {
  const section = ctx.recipe.tokenizer;
  const tokenizer = tokenizerStage(ctx.id("tokenizer"), section, deps.clean) as unknown as StageDef;
  const pack = packStage(ctx.id("pack"), section, deps.clean, tokenizer) as unknown as StageDef;
  return { tokenizer, pack };
}
