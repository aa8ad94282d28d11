// `lathe sample <recipe>`: builds the trial's model if needed, then streams generated text to stdout. Sampling
// settings default to the recipe's train.sample section.
import { sample } from "@lathe/model";
import type { ParsedArgs } from "../args.ts";
import { loadPlanned, modelStageIds, recipePath } from "../load.ts";
import { chooseTrial } from "../trials/select.ts";
import type { Workspace } from "../workspace.ts";
import { ensureBuilt } from "./ensure.ts";

export async function sampleCommand(ws: Workspace, args: ParsedArgs, signal: AbortSignal): Promise<number> {
  const o = args.options;
  const file = recipePath(ws, "sample", args.positionals.recipe as string);
  const recipe = await loadPlanned(ws, file, { sets: (o.set as string[] | undefined) ?? [], untilProducer: "model", command: "sample" });
  const ctx = await chooseTrial(ws, "sample", recipe, o.trial as string | undefined, (o.set as string[] | undefined) ?? []);
  const { model: train, tokenizer: tok } = modelStageIds(recipe, ctx);
  const dirs = await ensureBuilt(ws, "sample", recipe, [train, tok], { signal });
  // Flags override the recipe's train.sample settings (what the sample stage uses).
  const r = ctx.recipe.train.sample;
  const prompt = (o.prompt as string | undefined) ?? r.prompt;
  process.stdout.write(prompt);
  await sample({
    trainDir: dirs.get(train) as string,
    tokenizerDir: dirs.get(tok) as string,
    prompt,
    temperature: (o.temperature as number | undefined) ?? r.temperature,
    topK: (o["top-k"] as number | undefined) ?? r.top_k,
    topP: (o["top-p"] as number | undefined) ?? r.top_p,
    maxTokens: (o["max-tokens"] as number | undefined) ?? r.max_tokens,
    seed: (o.seed as number | undefined) ?? r.seed,
    onText: (s) => void process.stdout.write(s),
  });
  process.stdout.write("\n");
  return 0;
}
