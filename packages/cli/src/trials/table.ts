// The trial table: one row per trial, columns for the parameters that differ, final and best validation loss and
// bits per byte, the main metric of each eval task, tokens, steps, wall time and status. Pure: trialTable turns
// loaded trials (load.ts) into the table, sortTable orders it; format.ts renders it.
import { closest, UsageError } from "../args.ts";
import type { TrialData } from "./load.ts";
import { differingParams, flattenRecipe } from "./params.ts";

export type CellValue = string | number | boolean | null;

export interface TableColumn {
  /** Machine name: JSON keys, CSV header, --sort ("val_bpb", "train.lr", "wordnet_define acc"). */
  readonly key: string;
  /** Header text. */
  readonly label: string;
  /** How values read: a recipe parameter, a metric, a count, seconds, or text. */
  readonly kind: "param" | "metric" | "count" | "seconds" | "text";
  /** Which way is better, for metrics; unset = neither. */
  readonly higherIsBetter?: boolean;
}

export interface TrialTable {
  readonly recipe: string;
  readonly columns: readonly TableColumn[];
  /** Values by column key; null where a trial has none (not built, no eval). */
  readonly rows: readonly Readonly<Record<string, CellValue>>[];
  /** The trial sweep.select chooses, and why (trials/select.ts), when the recipe has a select and a trial is built. */
  readonly selected?: { readonly trial: string; readonly note: string };
}

const lower = { kind: "metric", higherIsBetter: false } as const;

/** The main metric of each task of a report card: the first task row of each task, "hellaswag acc_norm". */
export function mainTaskRows(card: TrialData["card"]): { name: string; value: number | null; higherIsBetter?: boolean }[] {
  const seen = new Set<string>();
  const out: { name: string; value: number | null; higherIsBetter?: boolean }[] = [];
  for (const row of card?.rows ?? []) {
    if (row.group !== "tasks") continue;
    const task = row.name.split(" ")[0]!;
    if (seen.has(task)) continue;
    seen.add(task);
    out.push({ name: row.name, value: row.cells[0]?.value ?? null, ...(row.higherIsBetter === undefined ? {} : { higherIsBetter: row.higherIsBetter }) });
  }
  return out;
}

function minOf(values: readonly (number | null | undefined)[]): number | null {
  const vs = values.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  return vs.length === 0 ? null : Math.min(...vs);
}

function cell(v: unknown): CellValue {
  if (v === undefined) return null;
  if (v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  return JSON.stringify(v);
}

export function trialTable(recipe: string, trials: readonly TrialData[]): TrialTable {
  const params = differingParams(trials.map((t) => t.recipe));
  const tasks = new Map<string, boolean | undefined>();
  for (const t of trials) for (const r of mainTaskRows(t.card)) if (!tasks.has(r.name)) tasks.set(r.name, r.higherIsBetter);
  const columns: TableColumn[] = [
    { key: "trial", label: "trial", kind: "text" },
    ...params.map((p) => ({ key: p, label: p, kind: "param" as const })),
    { key: "val_loss", label: "val_loss", ...lower },
    { key: "best_val_loss", label: "best val_loss", ...lower },
    { key: "val_bpb", label: "val_bpb", ...lower },
    { key: "best_val_bpb", label: "best val_bpb", ...lower },
    ...[...tasks].map(([name, hib]) => ({ key: name, label: name, kind: "metric" as const, ...(hib === undefined ? {} : { higherIsBetter: hib }) })),
    { key: "tokens", label: "tokens", kind: "count" },
    { key: "steps", label: "steps", kind: "count" },
    { key: "wall_s", label: "wall time", kind: "seconds" },
    { key: "status", label: "status", kind: "text" },
  ];
  const rows = trials.map((t) => {
    const flat = flattenRecipe(t.recipe);
    const s = t.summary;
    const vals = t.history.map((p) => p.val_loss);
    const bpbs = t.history.map((p) => p.val_bpb);
    const finalLoss = s?.val_loss ?? vals.findLast((v) => v !== undefined) ?? null;
    const finalBpb = s?.val_bpb ?? bpbs.findLast((v) => v !== undefined) ?? null;
    const eval_ = new Map(mainTaskRows(t.card).map((r) => [r.name, r.value]));
    const row: Record<string, CellValue> = { trial: t.name };
    for (const p of params) row[p] = cell(flat.get(p));
    Object.assign(row, {
      val_loss: finalLoss,
      best_val_loss: minOf([...vals, finalLoss]),
      val_bpb: finalBpb,
      best_val_bpb: minOf([...bpbs, finalBpb]),
    });
    for (const name of tasks.keys()) row[name] = eval_.get(name) ?? null;
    Object.assign(row, {
      tokens: s?.tokens ?? t.history.findLast((p) => p.tokens !== undefined)?.tokens ?? null,
      steps: s?.steps ?? t.history.findLast((p) => p.loss !== undefined)?.step ?? null,
      wall_s: t.durationMs === undefined ? null : t.durationMs / 1000,
      status: t.status,
    });
    return row;
  });
  return { recipe, columns, rows };
}

/** The column a --sort value names: its key or its header text (any case). */
export function findColumn(command: string, table: TrialTable, name: string): TableColumn {
  const low = name.toLowerCase();
  const col = table.columns.find((c) => c.key === name) ?? table.columns.find((c) => c.key.toLowerCase() === low || c.label.toLowerCase() === low);
  if (col) return col;
  const keys = table.columns.map((c) => c.key);
  const guess = closest(name, keys);
  const containing = keys.filter((k) => k.toLowerCase().includes(low));
  const hint = guess
    ? `did you mean --sort ${guess}?`
    : containing.length > 0 && containing.length <= 3
      ? `did you mean ${containing.map((k) => `--sort ${k}`).join(" or ")}?`
      : `the columns are: ${keys.join(", ")}`;
  throw new UsageError(command, name, `the trial table has no column "${name}"`, hint);
}

/** Rows ordered by one column (numbers numerically, text by locale), ascending unless `desc`; empty cells last. Stable. */
export function sortTable(table: TrialTable, key: string, desc = false): TrialTable {
  const cmp = (a: CellValue, b: CellValue): number => {
    if (typeof a === "number" && typeof b === "number") return a - b;
    return String(a).localeCompare(String(b), undefined, { numeric: true });
  };
  const rows = table.rows
    .map((row, i) => ({ row, i }))
    .sort((x, y) => {
      const a = x.row[key] ?? null;
      const b = y.row[key] ?? null;
      if (a === null || b === null) return a === b ? x.i - y.i : a === null ? 1 : -1;
      return (desc ? -cmp(a, b) : cmp(a, b)) || x.i - y.i;
    })
    .map((r) => r.row);
  return { ...table, rows };
}
