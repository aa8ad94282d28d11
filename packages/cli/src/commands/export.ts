// `lathe export <recipe> --format hf [--out dir]`: builds the trial's model if needed, then writes it (weights,
// config, tokenizer) in Hugging Face layout.
import { resolve } from "node:path";
import { exportHf } from "@lathe/model";
import type { ParsedArgs } from "../args.ts";
import { loadPlanned, modelStageIds, pickTrial, recipePath } from "../load.ts";
import type { Workspace } from "../workspace.ts";
import { ensureBuilt } from "./ensure.ts";

export async function exportCommand(ws: Workspace, args: ParsedArgs, signal: AbortSignal): Promise<number> {
  const o = args.options;
  const file = recipePath(ws, "export", args.positionals.recipe as string);
  const recipe = await loadPlanned(ws, file, { sets: (o.set as string[] | undefined) ?? [], untilProducer: "model", command: "export" });
  const ctx = pickTrial("export", recipe, o.trial as string | undefined);
  const { model: train, tokenizer: tok } = modelStageIds(recipe, ctx);
  const dirs = await ensureBuilt(ws, "export", recipe, [train, tok], { signal });
  const name = ctx.recipe.name || file.replace(/^.*\//, "").replace(/\.ya?ml$/, "");
  const outDir = resolve((o.out as string | undefined) ?? `export/${name}`);
  await exportHf({ trainDir: dirs.get(train) as string, tokenizerDir: dirs.get(tok) as string, outDir });
  process.stdout.write(`exported ${train} (hf) to ${outDir}\n`);
  return 0;
}
