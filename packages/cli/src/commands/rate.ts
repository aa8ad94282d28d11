// `lathe rate <recipes...>`: human rating. Builds the models of the given recipes (or a sweep's trials), has each
// continue the same held-out prompts, and shows two outputs side by side, blind and shuffled (RateScreen); every
// judgement is appended to the ratings file that `lathe eval` and the chat page's comparison mode share.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { readDocs, docText } from "@lathe/data";
import { sample } from "@lathe/model";
import { UsageError, type ParsedArgs } from "../args.ts";
import { latestProducer } from "../plan.ts";
import { ensureBuilt } from "./ensure.ts";
import { planModels, recipeName, type ModelRef } from "./models.ts";
import { formatRatingSummary, runRate } from "./rate-run.ts";
import type { Workspace } from "../workspace.ts";

/** ratings/<recipe names>.jsonl under the current folder: one file per set of compared recipes. */
export function defaultRatingsFile(names: readonly string[]): string {
  return resolve("ratings", `${[...new Set(names)].join("+")}.jsonl`);
}

export async function rateCommand(ws: Workspace, args: ParsedArgs, signal: AbortSignal): Promise<number> {
  const o = args.options;
  const files = args.positionals.recipes as string[];
  const models = await planModels(ws, "rate", files, { sets: (o.set as string[] | undefined) ?? [], untilProducer: "model" });
  if (models.length < 2) {
    throw new UsageError("rate", files.join(" "), `rating compares two models, and ${files.join(", ")} ${files.length === 1 ? "has" : "have"} one`, "give two recipes (lathe rate recipes/brown-gpt.yaml recipes/brown-lstm.yaml) or a recipe with a sweep");
  }
  const wanted = o.systems === undefined ? models.slice(0, 2).map((m) => m.name) : String(o.systems).split(",");
  const pair = wanted.map((n) => models.find((m) => m.name === n) ?? badSystem(n, models));
  if (pair.length !== 2 || pair[0] === pair[1]) throw new UsageError("rate", String(o.systems), "--systems names two different models", `the models are: ${models.map((m) => m.name).join(", ")}`);
  const n = (o.n as number | undefined) ?? 10;
  const dirs = new Map<ModelRef, Map<string, string>>();
  for (const m of pair) {
    const clean = latestProducer(m.recipe.kinds, "splits");
    dirs.set(m, await ensureBuilt(ws, "rate", m.recipe, [m.model, m.tokenizer, ...(clean ? [m.ctx.id(clean.name)] : [])], { signal }));
  }
  const prompts = o.prompts !== undefined ? readFileSync(String(o.prompts), "utf8").split("\n").map((l) => l.trim()).filter(Boolean).slice(0, n) : await heldOutPrompts(pair[0]!, dirs.get(pair[0]!)!, n);
  if (prompts.length === 0) throw new UsageError("rate", undefined, "no prompts: the held-out split is empty", "give --prompts <file> with one prompt per line");
  const temperature = (o.temperature as number | undefined) ?? 0.8;
  const maxTokens = (o["max-tokens"] as number | undefined) ?? 48;
  const seed = (o.seed as number | undefined) ?? 1;
  process.stderr.write(`generating ${prompts.length} completions with each of ${pair.map((m) => m.name).join(" and ")}…\n`);
  const items = [];
  for (const [i, prompt] of prompts.entries()) {
    const outputs: Record<string, string> = {};
    for (const m of pair) {
      const d = dirs.get(m)!;
      outputs[m.name] = (await sample({ trainDir: d.get(m.model)!, tokenizerDir: d.get(m.tokenizer)!, prompt, temperature, maxTokens, seed: seed + i }));
    }
    items.push({ prompt, outputs });
  }
  const ratingsFile = (o.ratings as string | undefined) ?? defaultRatingsFile(pair.map((m) => recipeName(m.recipe)));
  const run = await runRate({ items, systems: [pair[0]!.name, pair[1]!.name], ratingsFile, seed });
  process.stdout.write(`${run.rated} rated, ${run.skipped} skipped; ratings in ${ratingsFile}\n${formatRatingSummary(run.summary)}`);
  return 0;
}

function badSystem(name: string, models: readonly ModelRef[]): never {
  throw new UsageError("rate", name, `no model named "${name}"`, `the models are: ${models.map((m) => m.name).join(", ")}`);
}

/** The first words of held-out documents of the model's clean stage: prompts the model never trained on. */
async function heldOutPrompts(m: ModelRef, dirs: Map<string, string>, n: number): Promise<string[]> {
  const clean = latestProducer(m.recipe.kinds, "splits");
  const dir = clean ? dirs.get(m.ctx.id(clean.name)) : undefined;
  if (!dir) return [];
  const out: string[] = [];
  for (const split of ["test", "val"]) {
    try {
      for await (const d of readDocs(join(dir, `${split}.jsonl`))) {
        const words = docText(d).split(/\s+/).filter(Boolean);
        if (words.length >= 12) out.push(words.slice(0, 12).join(" "));
        if (out.length >= n) return out;
      }
    } catch {
      // no such split: try the next
    }
  }
  return out;
}
