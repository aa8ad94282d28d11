// The report page's tables: the trial table (sortable in the page by clicking a header; the best value of each metric
// column marked) and the eval report card (rows metrics and tasks, columns trials, best cell marked, ± stderr).
import { bestCells, CARD_GROUPS, type ReportCard } from "@lathe/eval";
import { formatCell } from "../trials/format.ts";
import type { CellValue, TableColumn, TrialTable } from "../trials/table.ts";
import { esc } from "./html.ts";

/** Row indexes holding the best value of a metric column (none when fewer than two trials have one). */
function bestRows(t: TrialTable, c: TableColumn): Set<number> {
  if (c.kind !== "metric" || c.higherIsBetter === undefined) return new Set();
  const present = t.rows.flatMap((r, i) => (typeof r[c.key] === "number" ? [[i, r[c.key] as number] as const] : []));
  if (present.length < 2) return new Set();
  const best = (c.higherIsBetter ? Math.max : Math.min)(...present.map(([, v]) => v));
  return new Set(present.filter(([, v]) => v === best).map(([i]) => i));
}

/** The sort value the page's script reads: numbers as numbers, text as text, empty for none. */
function sortValue(v: CellValue): string {
  return v === null ? "" : String(v);
}

export function trialTableHtml(t: TrialTable): string {
  const best = t.columns.map((c) => bestRows(t, c));
  const head = t.columns
    .map((c) => `<th data-key="${esc(c.key)}" data-num="${c.kind === "text" ? 0 : 1}"${c.kind === "text" ? "" : ' class="num"'} title="sort by ${esc(c.label)}">${esc(c.label)}</th>`)
    .join("");
  const body = t.rows
    .map((r, i) => {
      const cells = t.columns.map((c, j) => {
        const v = r[c.key] ?? null;
        const cls = [c.kind === "text" ? "" : "num", best[j]!.has(i) ? "best" : "", c.key === "status" ? `status-${String(v).replace(/\s+/g, "-")}` : ""].filter(Boolean).join(" ");
        return `<td data-v="${esc(sortValue(v))}"${cls ? ` class="${cls}"` : ""}>${esc(formatCell(c, v))}</td>`;
      });
      const sel = t.selected?.trial === r.trial ? ` class="selected" title="${esc(t.selected!.note)}"` : "";
      return `<tr${sel}>${cells.join("")}</tr>`;
    })
    .join("\n");
  return `<table class="trials sortable" id="trial-table"><thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table>`;
}

function fmt(v: number, digits: number | undefined): string {
  const d = digits ?? (Math.abs(v) >= 100 ? 1 : 3);
  return v.toFixed(d);
}

export function reportCardHtml(card: ReportCard): string {
  const head = `<tr><th>metric</th>${card.columns.map((c) => `<th class="num">${esc(c.label)}</th>`).join("")}<th class="num">chance</th></tr>`;
  const body: string[] = [];
  for (const group of CARD_GROUPS) {
    const rows = card.rows.filter((r) => r.group === group);
    if (rows.length === 0) continue;
    body.push(`<tr class="group"><th colspan="${card.columns.length + 2}">${esc(group)}</th></tr>`);
    for (const row of rows) {
      const best = bestCells(row);
      const cells = row.cells.map((c, i) => {
        if (c === null) return `<td class="num">-</td>`;
        const se = c.stderr === undefined ? "" : ` <span class="se">± ${fmt(c.stderr, row.digits)}</span>`;
        return `<td class="num${best.has(i) ? " best" : ""}"${c.note ? ` title="${esc(c.note)}"` : ""}>${fmt(c.value, row.digits)}${se}</td>`;
      });
      const arrow = row.higherIsBetter === undefined ? "" : row.higherIsBetter ? " ↑" : " ↓";
      body.push(`<tr><td>${esc(row.name)}${arrow}</td>${cells.join("")}<td class="num">${row.chance === undefined ? "" : fmt(row.chance, row.digits)}</td></tr>`);
    }
  }
  const notes = card.notes.length === 0 ? "" : `<ul class="notes">${card.notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul>`;
  return `<table class="card" id="report-card"><thead>${head}</thead><tbody>${body.join("\n")}</tbody></table>${notes}`;
}
