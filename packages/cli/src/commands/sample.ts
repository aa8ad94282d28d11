// `lathe sample <recipe>`: builds the trial's model if needed, then streams generated text to stdout.
import { sample } from "@lathe/model";
import type { ParsedArgs } from "../args.ts";
import { loadPlanned, pickTrial, recipePath } from "../load.ts";
import type { Workspace } from "../workspace.ts";
import { ensureBuilt } from "./ensure.ts";

export async function sampleCommand(ws: Workspace, args: ParsedArgs, signal: AbortSignal): Promise<number> {
  const o = args.options;
  const file = recipePath("sample", args.positionals.recipe as string);
  const recipe = await loadPlanned(ws, file, { sets: (o.set as string[] | undefined) ?? [], until: "train" });
  const ctx = pickTrial("sample", recipe, o.trial as string | undefined);
  const [train, tok] = [ctx.id("train"), ctx.id("tokenizer")];
  const dirs = await ensureBuilt(ws, "sample", recipe, [train, tok], { signal });
  const prompt = (o.prompt as string | undefined) ?? "";
  process.stdout.write(prompt);
  await sample({
    trainDir: dirs.get(train) as string,
    tokenizerDir: dirs.get(tok) as string,
    prompt,
    temperature: (o.temperature as number | undefined) ?? 0.8,
    topK: (o["top-k"] as number | undefined) ?? 0,
    topP: (o["top-p"] as number | undefined) ?? 1,
    maxTokens: (o["max-tokens"] as number | undefined) ?? 200,
    seed: (o.seed as number | undefined) ?? 0,
    onText: (s) => void process.stdout.write(s),
  });
  process.stdout.write("\n");
  return 0;
}
