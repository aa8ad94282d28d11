// `lathe compare <recipe>`: the trial table of a sweep — the parameters that differ, final and best val loss and bpb,
// eval task metrics, tokens, steps, wall time, status — from what is in the cache. Builds nothing: trials that are
// not built say so. The sweep.select choice is marked; a sweep.scaling fit is printed under the table.
// --sort <column> [--desc]; --json, --csv, --md, else aligned text.
import type { ParsedArgs } from "../args.ts";
import { loadPlanned, recipePath, type PlannedRecipe } from "../load.ts";
import type { ScalingInput } from "../report/scaling.ts";
import { scalingText } from "../report/scaling.ts";
import { tableCsv, tableJson, tableMarkdown, tableText } from "../trials/format.ts";
import { loadTrials, type TrialData } from "../trials/load.ts";
import { ScalingError, scalingFromSpec } from "../trials/scaling.ts";
import { checkSelectMetric, selectionNote, selectSpec, selectTrial } from "../trials/select.ts";
import { findColumn, sortTable, trialTable, type TrialTable } from "../trials/table.ts";
import type { Workspace } from "../workspace.ts";

/** The trial table of one recipe, sorted as --sort/--desc say, with the sweep.select choice marked. */
export async function compareTable(ws: Workspace, command: string, args: ParsedArgs): Promise<{ recipe: PlannedRecipe; table: TrialTable; trials: TrialData[] }> {
  const o = args.options;
  const file = recipePath(ws, command, args.positionals.recipe as string);
  const recipe = await loadPlanned(ws, file, { sets: (o.set as string[] | undefined) ?? [], command });
  const trials = await loadTrials(ws, recipe, command);
  let table = trialTable(recipe.shown, trials);
  const spec = selectSpec(recipe);
  if (spec) {
    checkSelectMetric(command, recipe, trials, spec.metric);
    const chosen = selectTrial(trials, spec);
    if (chosen) table = { ...table, selected: { trial: chosen.trial, note: selectionNote(chosen) } };
  }
  const sort = o.sort as string | undefined;
  if (sort !== undefined) table = sortTable(table, findColumn(command, table, sort).key, o.desc === true);
  return { recipe, table, trials };
}

/** What builds the trials that are missing: the same recipe and --set flags. */
export function buildHint(table: TrialTable, args: ParsedArgs): string {
  const sets = (args.options.set as string[] | undefined) ?? [];
  return ["lathe build", table.recipe, ...sets.map((s) => `--set ${/\s/.test(s) ? JSON.stringify(s) : s}`)].join(" ");
}

/** One stderr line when some trials are not built, else nothing. */
export function unbuiltNote(command: string, table: TrialTable, args: ParsedArgs): string {
  const unbuilt = table.rows.filter((r) => r.status === "not built").length;
  return unbuilt === 0 ? "" : `lathe ${command}: ${unbuilt} of ${table.rows.length} trials are not built yet (${buildHint(table, args)} builds them)\n`;
}

/**
 * The sweep.scaling fit of the trials (undefined when the recipe asks for none), or the one-line reason there is
 * none ("lathe compare: sweep.scaling: a loss_vs_params fit needs at least 4 finished trials ...").
 */
export function specScaling(command: string, recipe: PlannedRecipe, trials: readonly TrialData[]): { scaling?: ScalingInput; error?: string } {
  const spec = recipe.contexts[0]?.recipe.sweep.scaling;
  if (!spec || spec.fit === "none") return {};
  try {
    const scaling = scalingFromSpec(recipe, trials, spec);
    return scaling ? { scaling } : {};
  } catch (e) {
    if (!(e instanceof ScalingError)) throw e;
    return { error: `lathe ${command}: ${e.message}\n` };
  }
}

export async function compareCommand(ws: Workspace, args: ParsedArgs): Promise<number> {
  const o = args.options;
  const { recipe, table, trials } = await compareTable(ws, "compare", args);
  const { scaling, error } = specScaling("compare", recipe, trials);
  const lines = scaling ? scalingText(scaling) : [];
  if (o.json) process.stdout.write(tableJson(table, scaling ? { scaling: { ...scaling, text: lines } } : {}));
  else if (o.csv) process.stdout.write(tableCsv(table));
  else if (o.md) process.stdout.write(`${tableMarkdown(table)}\n${lines.map((l) => `\n${l}\n`).join("")}`);
  else process.stdout.write(`${tableText(table)}\n${lines.length > 0 ? `\n${lines.join("\n")}\n` : ""}`);
  // CSV stays one table: the fit goes to stderr there.
  if (o.csv && lines.length > 0) process.stderr.write(`${lines.join("\n")}\n`);
  process.stderr.write(unbuiltNote("compare", table, args));
  if (error) process.stderr.write(error);
  return 0;
}
