// `lathe report <recipe> [--out file.html]`: one self-contained HTML page of a sweep, from what is in the cache (it
// builds nothing): loss curves of every trial, the trial table (the sweep.select choice marked), the eval report card,
// a scaling fit (sweep.scaling's, else one when the sweep varies model size over three or more values), and samples. The page loads nothing from the network.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { mergeCards, type ReportCard } from "@lathe/eval";
import { sweep } from "@lathe/model";
import type { ParsedArgs } from "../args.ts";
import { reportAssets } from "../report/assets.ts";
import { renderReport, type ReportInput } from "../report/render.ts";
import { scalingFromTrials, type ScalingInput } from "../report/scaling.ts";
import { lossChart, metricCurves } from "../report/series.ts";
import type { TrialData } from "../trials/load.ts";
import type { TrialTable } from "../trials/table.ts";
import { formatBytes } from "../ui/format.ts";
import type { Workspace } from "../workspace.ts";
import { compareTable, specScaling, unbuiltNote } from "./compare.ts";
import { recipeName } from "./models.ts";

/** "trial-2 (train.lr=0.01)": the trial and the parameters that differ, for the report card's columns. */
function trialLabel(table: TrialTable, name: string): string {
  const row = table.rows.find((r) => r.trial === name);
  const params = table.columns.filter((c) => c.kind === "param").map((c) => `${c.key}=${row?.[c.key] ?? "-"}`);
  return params.length === 0 ? name : `${name} (${params.join(", ")})`;
}

/** One card with a column per evaluated trial, or undefined when none is. */
export function trialsCard(table: TrialTable, trials: readonly TrialData[]): ReportCard | undefined {
  const cards = trials.flatMap((t) =>
    t.card ? [{ ...t.card, recipe: table.recipe, columns: [{ id: t.name, label: trialLabel(table, t.name) }], notes: t.card.notes.map((n) => `${t.name}: ${n}`) }] : [],
  );
  return cards.length === 0 ? undefined : mergeCards(cards);
}

/** Everything the page shows, from the trial table and the loaded trials. */
export function reportInput(table: TrialTable, trials: readonly TrialData[], scaling: ScalingInput | undefined, generatedAt?: string): ReportInput {
  const card = trialsCard(table, trials);
  return {
    title: table.recipe,
    ...(generatedAt === undefined ? {} : { generatedAt }),
    table,
    charts: [
      lossChart("train-loss", "train loss", "loss", metricCurves(trials, "loss")),
      lossChart("val-loss", "val loss", "val_loss", metricCurves(trials, "val_loss")),
    ],
    ...(card ? { card } : {}),
    samples: trials.flatMap((t) => (t.sample === undefined ? [] : [{ trial: t.name, text: t.sample }])),
    ...(scaling ? { scaling } : {}),
    assets: reportAssets(),
  };
}

export async function reportCommand(ws: Workspace, args: ParsedArgs): Promise<number> {
  const { recipe, table, trials } = await compareTable(ws, "report", args);
  // sweep.scaling's fit when the recipe asks for one, else a power law when the sweep varies size over 3+ values.
  let { scaling, error } = specScaling("report", recipe, trials);
  if (error) process.stderr.write(error);
  else if (recipe.contexts[0]?.recipe.sweep.scaling.fit === "none") {
    try {
      scaling = scalingFromTrials(trials);
    } catch (e) {
      if (!(e instanceof sweep.SweepInputError || e instanceof sweep.TooFewPointsError)) throw e;
      process.stderr.write(`lathe report: no scaling fit: ${e.message}\n`);
    }
  }
  const html = renderReport(reportInput(table, trials, scaling, new Date().toISOString()));
  const out = resolve((args.options.out as string | undefined) ?? join("export", `${recipeName(recipe)}.html`));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, html);
  process.stdout.write(`${relative(process.cwd(), out) || out}: ${formatBytes(Buffer.byteLength(html))}, ${table.rows.length} trials\n`);
  process.stderr.write(unbuiltNote("report", table, args));
  return 0;
}
