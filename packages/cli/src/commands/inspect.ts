// `lathe inspect <recipe> <stage>`: builds the stage if needed, then prints @lathe/data's report of its output.
import { inspect } from "@lathe/data";
import { UsageError, type ParsedArgs } from "../args.ts";
import { checkStageId, loadPlanned, recipePath } from "../load.ts";
import type { Workspace } from "../workspace.ts";
import { ensureBuilt } from "./ensure.ts";

export async function inspectCommand(ws: Workspace, args: ParsedArgs, signal: AbortSignal): Promise<number> {
  const file = recipePath(ws, "inspect", args.positionals.recipe as string);
  const recipe = await loadPlanned(ws, file, { sets: (args.options.set as string[] | undefined) ?? [] });
  const stage = checkStageId("inspect", recipe, args.positionals.stage as string);
  const kind = recipe.graph.find((s) => s.id === stage)?.kind ?? "";
  if (!kind.startsWith("data.")) {
    const data = recipe.graph.filter((s) => s.kind.startsWith("data.")).map((s) => s.id);
    throw new UsageError("inspect", stage, `inspect reads data stages, and ${stage} is a ${kind} stage`, `inspect one of: ${data.join(", ")}`);
  }
  const dirs = await ensureBuilt(ws, "inspect", recipe, [stage], { signal });
  const text = inspect(dirs.get(stage) as string, { samples: (args.options.samples as number | undefined) ?? 3 });
  process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
  return 0;
}
