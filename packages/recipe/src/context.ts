// PlanContext: what a domain package's stage factory gets for one trial (see ARCHITECTURE.md "Planning").
import type { Recipe } from "./generated/recipe.ts";
import type { LoadedRecipe } from "./load.ts";

export interface PlanContext {
  readonly recipe: Recipe; // validated, defaults applied, one trial (sweeps already expanded)
  readonly file: string; // absolute path of the recipe file
  readonly root: string; // repo root (resolve relative data paths against dirname(file))
  id(name: string): string; // stage id for this trial: "train" or "trial-3/train"
}

/**
 * One context per trial ("trial-3/train"), or one for the recipe itself ("train") when it has no sweep.
 * `opts.root` overrides the repo root found by loadRecipe.
 */
export function planContexts(loaded: LoadedRecipe, opts: { readonly root?: string } = {}): PlanContext[] {
  const file = loaded.file;
  const root = opts.root ?? loaded.root;
  if (loaded.trials.length === 0) return [{ recipe: loaded.recipe, file, root, id: (name) => name }];
  return loaded.trials.map((t) => ({ recipe: t.recipe, file, root, id: (name) => `${t.name}/${name}` }));
}
