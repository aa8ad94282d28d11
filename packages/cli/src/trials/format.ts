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

/** Plain aligned text: a header line, then one line per trial. */
export function tableText(t: TrialTable): string {
  const cells = t.rows.map((r) => t.columns.map((c) => formatCell(c, r[c.key] ?? null)));
  const widths = t.columns.map((c, i) => Math.max(c.label.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: readonly string[]) =>
    values.map((v, i) => (rightAligned(t.columns[i]!) ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join("  ").trimEnd();
  return [line(t.columns.map((c) => c.label)), ...cells.map(line)].join("\n");
}

export function tableMarkdown(t: TrialTable): string {
  const esc = (s: string) => s.replace(/\|/g, "\\|");
  const head = `| ${t.columns.map((c) => esc(c.label)).join(" | ")} |`;
  const rule = `|${t.columns.map((c) => (rightAligned(c) ? "---:" : "---")).join("|")}|`;
  const rows = t.rows.map((r) => `| ${t.columns.map((c) => esc(formatCell(c, r[c.key] ?? null))).join(" | ")} |`);
  return [head, rule, ...rows].join("\n");
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

/** { recipe, columns, trials: [{ <key>: value }] }. */
export function tableJson(t: TrialTable): string {
  return `${JSON.stringify({ recipe: t.recipe, columns: t.columns, trials: t.rows }, null, 2)}\n`;
}
