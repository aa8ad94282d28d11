// The tokenizer and pack stages as the planner's stage kinds (kinds.ts), and tokenizerStages, which chains both
// for tests and tools that plan without the registry.
import type { StageDef, StageImpl } from "@lathe/engine";
import type { PlanContext } from "@lathe/recipe";
import { tokenizerSection } from "../section.ts";
import { packStage, runPack } from "./pack-stage.ts";
import { runTokenizer, tokenizerStage } from "./tokenizer-stage.ts";

/** The slice of PlanContext the factory reads: only the tokenizer section, so edits elsewhere never rerun it. */
export type TokenizerPlanContext = Pick<PlanContext, "file" | "root" | "id"> & { readonly recipe: Pick<PlanContext["recipe"], "tokenizer"> };

const ref = (id: string): StageDef => ({ id }) as StageDef;

export const tokenizerKind: StageImpl<TokenizerPlanContext> = {
  plan: (ctx, id, inputs) => tokenizerStage(id, tokenizerSection(ctx.recipe.tokenizer), ref(inputs.clean!)) as unknown as StageDef,
  run: runTokenizer,
};

export const packKind: StageImpl<TokenizerPlanContext> = {
  plan: (ctx, id, inputs) => packStage(id, tokenizerSection(ctx.recipe.tokenizer), ref(inputs.clean!), ref(inputs.tokenizer!)) as unknown as StageDef,
  run: runPack,
};

export function tokenizerStages(ctx: TokenizerPlanContext, deps: { clean: StageDef }): { tokenizer: StageDef; pack: StageDef } {
  const tokenizer = tokenizerKind.plan(ctx, ctx.id("tokenizer"), { clean: deps.clean.id });
  const pack = packKind.plan(ctx, ctx.id("pack"), { clean: deps.clean.id, tokenizer: tokenizer.id });
  return { tokenizer, pack };
}
