// What the data stages need from the planner. Structurally a subset of @lathe/recipe's PlanContext (ARCHITECTURE.md),
// so the CLI passes its PlanContext as is; the sections are validated here against their schemas.
import type { PlanContext } from "@lathe/recipe";

export interface DataPlanContext {
  readonly recipe: { readonly datasets?: unknown; readonly clean?: unknown };
  /** Absolute path of the recipe file; relative data paths resolve against its folder. */
  readonly file: string;
  /** Repo root. */
  readonly root: string;
  id(name: string): string;
}

/** Where URL downloads are cached: $LATHE_CACHE or <root>/cache (ARCHITECTURE.md). */
export function cacheDirOf(root: string): string {
  return process.env.LATHE_CACHE || `${root}/cache`;
}

// Compile-time check that the planner's PlanContext (@lathe/recipe) is accepted as is.
const planContextFits: PlanContext extends DataPlanContext ? true : never = true;
void planContextFits;
