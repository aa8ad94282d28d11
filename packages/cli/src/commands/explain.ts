// `lathe explain <recipe> [stage]`: what --dry says, one block per stage, each change on its own line.
import { plan } from "@lathe/engine";
import type { ParsedArgs } from "../args.ts";
import { formatExplain } from "../dry.ts";
import { checkStageId, loadPlanned, recipePath, upstreamOf } from "../load.ts";
import type { Workspace } from "../workspace.ts";

export async function explainCommand(ws: Workspace, args: ParsedArgs): Promise<number> {
  const file = recipePath(ws, "explain", args.positionals.recipe as string);
  const recipe = await loadPlanned(ws, file, { sets: (args.options.set as string[] | undefined) ?? [] });
  const stage = args.positionals.stage as string | undefined;
  const only = stage === undefined ? undefined : checkStageId("explain", recipe, stage);
  const graph = only === undefined ? recipe.graph : upstreamOf(recipe.graph, [only]);
  const planned = await plan(graph, { cacheDir: ws.cacheDir, root: ws.root });
  process.stdout.write(`${formatExplain(recipe.shown, planned, only)}\n`);
  return 0;
}
