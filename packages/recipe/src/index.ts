// @lathe/recipe — the recipe language: YAML recipes checked against schemas/recipe.schema.json. See ARCHITECTURE.md.

/** Loading: file → validated recipe (extends, ${var}, --set, defaults, sweep trials). */
export { loadRecipe, expandTrials, findRepoRoot, type LoadOptions, type LoadedRecipe } from "./load.ts";
export { hasSweep, MAX_TRIALS, type Trial } from "./sweep.ts";

/** Sections: a partial section value → validated, every default filled in (tests, scripts, stage params). */
export { withSectionDefaults, SectionValueError } from "./section.ts";

/** Planning: one context per trial for the stage factories. */
export { planContexts, locateIn, type PlanContext } from "./context.ts";

/** Errors: every problem of a recipe at once, each at file:line:col with a hint. */
export { RecipeError, formatIssue, type RecipeIssue, type Loc } from "./errors.ts";
export { SchemaError } from "./schema-files.ts";

/** Schema access for tools (editors, docs, the CLI's `explain`). */
export { loadSchema, type RecipeSchema } from "./schema.ts";
export { checkPath } from "./schema-walk.ts";
export { DEFAULT_SCHEMA_DIR } from "./schema-files.ts";

/** Types generated from the schemas (`bun run --cwd packages/recipe gen`). */
export type * from "./generated/recipe.ts";
