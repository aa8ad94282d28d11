// `lathe eval <recipes...>`: builds each recipe's eval stage (one per trial) if needed, then prints one report card:
// rows are metrics and tasks, columns are the models (trials, recipes), with chance levels and standard errors, plus
// the human ratings of those models when a ratings file has some. --json / --md print the card in those forms.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { cardJson, cardMarkdown, formatCardTerminal, mergeCards, ratingRows, readRatings, summarizeRatings, type ReportCard } from "@lathe/eval";
import type { ParsedArgs } from "../args.ts";
import { ensureBuilt } from "./ensure.ts";
import { planModels, recipeName } from "./models.ts";
import { defaultRatingsFile } from "./rate.ts";
import type { Workspace } from "../workspace.ts";
import type { PlannedRecipe } from "../load.ts";
import type { PlanContext } from "@lathe/recipe";

/** A trial's eval stages, upstream first, with the name of the model each scores ("base" for train). */
export function evalStagesOf(recipe: PlannedRecipe, ctx: PlanContext): { id: string; model: string }[] {
  const stages = recipe.trials[recipe.contexts.indexOf(ctx)] ?? [];
  return stages
    .filter((s) => s.artifacts.includes("report"))
    .map((s) => {
      const input = s.def.inputs.model;
      const model = input && "stage" in input ? input.stage.slice(input.stage.lastIndexOf("/") + 1) : "model";
      return { id: s.def.id, model: model === "train" ? "base" : model };
    });
}

export async function evalCommand(ws: Workspace, args: ParsedArgs, signal: AbortSignal): Promise<number> {
  const o = args.options;
  const files = args.positionals.recipes as string[];
  const models = await planModels(ws, "eval", files, { sets: (o.set as string[] | undefined) ?? [], until: "eval" });
  const cards: ReportCard[] = [];
  const failed: string[] = [];
  for (const recipe of [...new Set(models.map((m) => m.recipe))]) {
    const mine = models.filter((m) => m.recipe === recipe);
    // One evaluation per model of a trial: train, then each fine-tuning stage (eval-<stage> ... eval).
    const evals = mine.map((m) => evalStagesOf(recipe, m.ctx));
    const dirs = await ensureBuilt(ws, "eval", recipe, evals.flat().map((e) => e.id), { signal, plain: o.plain === true });
    mine.forEach((m, i) => {
      for (const e of evals[i]!) {
        // With fine-tuning stages a column per model stage: "base", "sft" (after the trial or recipe prefix).
        const name = evals[i]!.length > 1 ? `${m.name.slice(0, m.name.lastIndexOf("/") + 1)}${e.model}` : m.name;
        const card = JSON.parse(readFileSync(join(dirs.get(e.id)!, "report.json"), "utf8")) as ReportCard;
        for (const n of card.notes) if (n.includes(" failed: ")) failed.push(`${name}: ${n}`);
        cards.push({ ...card, recipe: recipe.shown, columns: [{ id: name, label: name }], notes: card.notes.map((n) => `${name}: ${n}`) });
      }
    });
  }
  let card = mergeCards(cards);
  const shown = [...new Set(models.map((m) => m.recipe.shown))].join(", ");
  card = { ...card, recipe: shown };
  const ratingsFile = (o.ratings as string | undefined) ?? defaultRatingsFile(models.map((m) => recipeName(m.recipe)));
  if (existsSync(ratingsFile)) {
    const summary = summarizeRatings(await readRatings(ratingsFile), { order: card.columns.map((c) => c.id) });
    card = { ...card, rows: [...card.rows, ...ratingRows(summary, card.columns)], notes: [...card.notes, `ratings: ${ratingsFile}`] };
  }
  if (o.json) process.stdout.write(cardJson(card));
  else if (o.md) process.stdout.write(cardMarkdown(card));
  else process.stdout.write(`${formatCardTerminal(card, { width: process.stdout.columns ?? 100, color: process.stdout.isTTY === true })}\n`);
  if (failed.length > 0) {
    process.stderr.write(`lathe eval: ${failed.length} task${failed.length === 1 ? "" : "s"} failed (the others' results are above):\n${failed.map((f) => `  ${f}`).join("\n")}\n`);
    return 1;
  }
  return 0;
}
