// Shared by eval and rate: the model stages of one or more recipes, one per trial, named so that columns and rating
// systems agree ("train", "trial-2/train"; "brown-gpt/train" when several recipes are compared).
import { basename } from "node:path";
import type { PlanContext } from "@lathe/recipe";
import { loadPlanned, modelStageIds, recipePath, type LoadOptions, type PlannedRecipe } from "../load.ts";
import type { Workspace } from "../workspace.ts";

export interface ModelRef {
  /** Column id / rating system name. */
  readonly name: string;
  readonly recipe: PlannedRecipe;
  readonly ctx: PlanContext;
  /** Stage ids within the recipe's graph. */
  readonly model: string;
  readonly tokenizer: string;
}

export function recipeName(r: PlannedRecipe): string {
  return r.contexts[0]?.recipe.name || basename(r.file).replace(/\.ya?ml$/, "");
}

/** Plans each recipe (with `opts`) and lists its models; names carry the recipe's name only when there are several. */
export async function planModels(ws: Workspace, command: string, files: readonly string[], opts: LoadOptions): Promise<ModelRef[]> {
  const recipes = await Promise.all(files.map((f) => loadPlanned(ws, recipePath(ws, command, f), { ...opts, command })));
  return recipes.flatMap((recipe) =>
    recipe.contexts.map((ctx) => {
      const ids = modelStageIds(recipe, ctx);
      return { name: recipes.length > 1 ? `${recipeName(recipe)}/${ids.model}` : ids.model, recipe, ctx, ...ids };
    }),
  );
}
