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

export async function evalCommand(ws: Workspace, args: ParsedArgs, signal: AbortSignal): Promise<number> {
  const o = args.options;
  const files = args.positionals.recipes as string[];
  const models = await planModels(ws, "eval", files, { sets: (o.set as string[] | undefined) ?? [], until: "eval" });
  const cards: ReportCard[] = [];
  const failed: string[] = [];
  for (const recipe of [...new Set(models.map((m) => m.recipe))]) {
    const mine = models.filter((m) => m.recipe === recipe);
    const ids = mine.map((m) => m.ctx.id("eval"));
    const dirs = await ensureBuilt(ws, "eval", recipe, ids, { signal, plain: o.plain === true });
    mine.forEach((m, i) => {
      const card = JSON.parse(readFileSync(join(dirs.get(ids[i]!)!, "report.json"), "utf8")) as ReportCard;
      for (const n of card.notes) if (n.includes(" failed: ")) failed.push(`${m.name}: ${n}`);
      cards.push({ ...card, recipe: recipe.shown, columns: [{ id: m.name, label: m.name }], notes: card.notes.map((n) => `${m.name}: ${n}`) });
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
