// PlanContext: what a domain package's stage factory gets for one trial (see ARCHITECTURE.md "Planning").
import type { Loc } from "./errors.ts";
import type { Recipe } from "./generated/recipe.ts";
import type { LoadedRecipe } from "./load.ts";
import { getAt, type LNode } from "./tree.ts";

export interface PlanContext {
  readonly recipe: Recipe; // validated, defaults applied, one trial (sweeps already expanded)
  readonly file: string; // absolute path of the recipe file
  readonly root: string; // repo root (resolve relative data paths against dirname(file))
  id(name: string): string; // stage id for this trial: "train" or "trial-3/train"
  /**
   * Where a JSON pointer of the recipe ("/eval/tasks/2") was written (file:line:col, or the --set argument), or
   * the nearest written ancestor; undefined when nothing on the path was written (a default). For plan-time errors.
   */
  locate?(pointer: string): Loc | undefined;
  /**
   * The ids of the same stage in the trials before this one ([] outside a sweep, and for trial-1): what a stage that
   * decides from earlier trials (sweep.early_stop) takes as inputs, so its decision is part of its key.
   */
  earlier?(name: string): string[];
}

/** The written location of `pointer` in a located tree, or of its nearest written ancestor. */
export function locateIn(tree: LNode, pointer: string): Loc | undefined {
  const path = pointer.split("/").slice(1).map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  for (let n = path.length; n >= 0; n--) {
    const node = getAt(tree, path.slice(0, n));
    if (node && (n > 0 || path.length === 0)) return node.loc;
  }
  return undefined;
}

/**
 * One context per trial ("trial-3/train"), or one for the recipe itself ("train") when it has no sweep.
 * `opts.root` overrides the repo root found by loadRecipe.
 */
export function planContexts(loaded: LoadedRecipe, opts: { readonly root?: string } = {}): PlanContext[] {
  const file = loaded.file;
  const root = opts.root ?? loaded.root;
  const locate = (pointer: string) => locateIn(loaded.tree, pointer);
  if (loaded.trials.length === 0) return [{ recipe: loaded.recipe, file, root, id: (name) => name, locate, earlier: () => [] }];
  const names = loaded.trials.map((t) => t.name);
  return loaded.trials.map((t, i) => ({
    recipe: t.recipe, file, root, id: (name) => `${t.name}/${name}`, locate,
    earlier: (name) => names.slice(0, i).map((n) => `${n}/${name}`),
  }));
}
