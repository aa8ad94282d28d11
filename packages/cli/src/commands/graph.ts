// `lathe graph <recipe> --format mermaid|dot`: the recipe's stage graph (all trials) on stdout.
import { toDot, toMermaid } from "@lathe/engine";
import type { ParsedArgs } from "../args.ts";
import { loadPlanned, recipePath } from "../load.ts";
import type { Workspace } from "../workspace.ts";

export async function graphCommand(ws: Workspace, args: ParsedArgs): Promise<number> {
  const file = recipePath(ws, "graph", args.positionals.recipe as string);
  const recipe = await loadPlanned(ws, file, { sets: (args.options.set as string[] | undefined) ?? [] });
  const text = args.options.format === "dot" ? toDot(recipe.graph) : toMermaid(recipe.graph);
  process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
  return 0;
}
