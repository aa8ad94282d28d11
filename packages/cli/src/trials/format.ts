// The trial table as text: aligned columns for the terminal (numbers right-aligned), Markdown, CSV (RFC 4180) and
// JSON (one object per trial, keyed by column key, raw numbers).
import { formatCount, formatDuration, formatMetric } from "../ui/format.ts";
import type { CellValue, TableColumn, TrialTable } from "./table.ts";

/** A cell as people read it: metrics to 4 significant digits, counts with k/M, seconds as a duration, "-" for none. */
export function formatCell(col: TableColumn, v: CellValue): string {
  if (v === null) return "-";
  if (typeof v !== "number") return String(v);
  if (col.kind === "metric") return formatMetric(v);
  if (col.kind === "count") return formatCount(v);
  if (col.kind === "seconds") return formatDuration(v * 1000);
  return String(v);
}

const rightAligned = (c: TableColumn) => c.kind !== "text";

/** The trial cell of the sweep.select choice carries a "*", explained under the table. */
function markSelected(t: TrialTable, c: TableColumn, r: TrialTable["rows"][number], text: string): string {
  return t.selected && c.key === "trial" && r.trial === t.selected.trial ? `${text} *` : text;
}

/** "* selected: ..." under a table with a sweep.select choice; "" without one. */
export function selectedFooter(t: TrialTable): string {
  return t.selected ? `* selected: ${t.selected.note.replace(/^using /, "")}` : "";
}

/** Plain aligned text: a header line, then one line per trial, then the sweep.select footer. */
export function tableText(t: TrialTable): string {
  const cells = t.rows.map((r) => t.columns.map((c) => markSelected(t, c, r, formatCell(c, r[c.key] ?? null))));
  const widths = t.columns.map((c, i) => Math.max(c.label.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: readonly string[]) =>
    values.map((v, i) => (rightAligned(t.columns[i]!) ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join("  ").trimEnd();
  return [line(t.columns.map((c) => c.label)), ...cells.map(line), ...(t.selected ? [selectedFooter(t)] : [])].join("\n");
}

export function tableMarkdown(t: TrialTable): string {
  const esc = (s: string) => s.replace(/\|/g, "\\|");
  const head = `| ${t.columns.map((c) => esc(c.label)).join(" | ")} |`;
  const rule = `|${t.columns.map((c) => (rightAligned(c) ? "---:" : "---")).join("|")}|`;
  const rows = t.rows.map((r) => `| ${t.columns.map((c) => esc(markSelected(t, c, r, formatCell(c, r[c.key] ?? null)))).join(" | ")} |`);
  return [head, rule, ...rows, ...(t.selected ? ["", esc(selectedFooter(t))] : [])].join("\n");
}

function csvField(v: CellValue): string {
  const s = v === null ? "" : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV with column keys as the header and raw values (seconds for wall time), CRLF line ends. */
export function tableCsv(t: TrialTable): string {
  const lines = [t.columns.map((c) => csvField(c.key)), ...t.rows.map((r) => t.columns.map((c) => csvField(r[c.key] ?? null)))];
  return `${lines.map((l) => l.join(",")).join("\r\n")}\r\n`;
}

/** { recipe, columns, trials: [{ <key>: value }], selected?: trial name, ...extra }. */
export function tableJson(t: TrialTable, extra: Record<string, unknown> = {}): string {
  return `${JSON.stringify({ recipe: t.recipe, columns: t.columns, trials: t.rows, ...(t.selected ? { selected: t.selected.trial } : {}), ...extra }, null, 2)}\n`;
}
