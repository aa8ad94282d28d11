// `lathe compare <recipe>`: the trial table of a sweep — the parameters that differ, final and best val loss and bpb,
// eval task metrics, tokens, steps, wall time, status — from what is in the cache. Builds nothing: trials that are
// not built say so. --sort <column> [--desc]; --json, --csv, --md, else aligned text.
import type { ParsedArgs } from "../args.ts";
import { loadPlanned, recipePath, type PlannedRecipe } from "../load.ts";
import { tableCsv, tableJson, tableMarkdown, tableText } from "../trials/format.ts";
import { loadTrials, type TrialData } from "../trials/load.ts";
import { findColumn, sortTable, trialTable, type TrialTable } from "../trials/table.ts";
import type { Workspace } from "../workspace.ts";

/** The trial table of one recipe, sorted as --sort/--desc say. */
export async function compareTable(ws: Workspace, command: string, args: ParsedArgs): Promise<{ recipe: PlannedRecipe; table: TrialTable; trials: TrialData[] }> {
  const o = args.options;
  const file = recipePath(ws, command, args.positionals.recipe as string);
  const recipe = await loadPlanned(ws, file, { sets: (o.set as string[] | undefined) ?? [], command });
  const trials = await loadTrials(ws, recipe, command);
  let table = trialTable(recipe.shown, trials);
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

export async function compareCommand(ws: Workspace, args: ParsedArgs): Promise<number> {
  const o = args.options;
  const { table } = await compareTable(ws, "compare", args);
  if (o.json) process.stdout.write(tableJson(table));
  else if (o.csv) process.stdout.write(tableCsv(table));
  else if (o.md) process.stdout.write(`${tableMarkdown(table)}\n`);
  else process.stdout.write(`${tableText(table)}\n`);
  process.stderr.write(unbuiltNote("compare", table, args));
  return 0;
}
