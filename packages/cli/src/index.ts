// @lathe/cli: the `lathe` command (src/main.ts) and its building blocks, for tests and embedding.

/** Entry point and command table. */
export { main } from "./main.ts";
export { COMMANDS, findCommand } from "./commands.ts";
export { parseCommandArgs, UsageError } from "./args.ts";
export type { CommandSpec, OptionSpec, ParsedArgs } from "./args.ts";

/** The planner: recipe trials → stage graph. */
export { planTrial, recipeKinds, kindsUntil, latestProducer, RECIPE_META } from "./plan.ts";
export { stageRegistry } from "./registry.ts";
export { loadPlanned, writtenSections, checkSectionsRead, type PlannedRecipe } from "./load.ts";

/** Build renderers over the engine's event stream. */
export { createPlainRenderer } from "./ui/plain.ts";
export { createJsonRenderer } from "./ui/json.ts";
export { createInkRenderer } from "./ui/ink.tsx";
export { BuildState } from "./ui/state.ts";
export type { Renderer } from "./ui/renderer.ts";
