// Renderings of a report card: a terminal table (rows = metrics, columns = stages, value ± stderr, a chance column,
// the best value per row marked), Markdown with the same content, and JSON.
import { bestCells, CARD_GROUPS, checkCard, type CardCell, type CardRow, type ReportCard } from "./card.ts";

export interface TerminalCardOptions {
  /**
   * Terminal columns. When the table is wider, stderrs are dropped first, then metric names are shortened.
   * @default 100
   */
  readonly width?: number;
  /**
   * ANSI colour: best values bold green, group names bold, blanks dim.
   * @default false
   */
  readonly color?: boolean;
}

const ARROW = (r: CardRow) => (r.higherIsBetter === undefined ? "" : r.higherIsBetter ? " ↑" : " ↓");
const digitsOf = (r: CardRow) => r.digits ?? (r.cells.some((c) => c !== null && Math.abs(c.value) >= 100) ? 1 : 3);
const num = (v: number, d: number) => v.toFixed(d);
const cellText = (c: CardCell, d: number, stderr: boolean) => (stderr && c.stderr !== undefined ? `${num(c.value, d)} ± ${num(c.stderr, d)}` : num(c.value, d));
const hasChance = (card: ReportCard) => card.rows.some((r) => r.chance !== undefined);

/** Rows grouped in CARD_GROUPS order, each group's rows in card order. */
function grouped(card: ReportCard): [string, CardRow[]][] {
  return CARD_GROUPS.map((g) => [g, card.rows.filter((r) => r.group === g)] as [string, CardRow[]]).filter(([, rs]) => rs.length > 0);
}

/** Footnote numbers for distinct cell notes, in reading order, and the lines that list them. */
function footnotes(card: ReportCard): { mark: (c: CardCell) => string; lines: string[] } {
  const ids = new Map<string, number>();
  const lines: string[] = [];
  for (const [, rows] of grouped(card))
    for (const r of rows)
      for (const [i, c] of r.cells.entries())
        if (c?.note !== undefined && !ids.has(c.note)) {
          ids.set(c.note, ids.size + 1);
          lines.push(`[${ids.size}] ${card.columns[i].label} · ${r.name}: ${c.note}`);
        }
  return { mark: (c) => (c.note !== undefined ? ` [${ids.get(c.note)}]` : ""), lines };
}

const visible = (s: string) => [...s].length;
const padL = (s: string, w: number) => " ".repeat(Math.max(0, w - visible(s))) + s;
const padR = (s: string, w: number) => s + " ".repeat(Math.max(0, w - visible(s)));
const clip = (s: string, w: number) => (visible(s) <= w ? s : `${[...s].slice(0, Math.max(1, w - 1)).join("")}…`);

/** The card as a fixed-width table for a terminal. */
export function formatCardTerminal(card: ReportCard, opts: TerminalCardOptions = {}): string {
  checkCard(card);
  const width = opts.width ?? 100;
  const paint = (code: string, s: string) => (opts.color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const fn = footnotes(card);
  const chance = hasChance(card);
  const groups = grouped(card);

  const layout = (stderr: boolean) => {
    // A cell is its number, right-aligned, then a suffix — " *" when best, a footnote mark — left-aligned, so the
    // numbers of a column line up whatever follows them.
    const body = groups.map(([, rows]) =>
      rows.map((r) => {
        const best = bestCells(r);
        const d = digitsOf(r);
        return {
          name: r.name,
          arrow: ARROW(r),
          cells: r.cells.map((c, i) =>
            c === null ? { text: "—", suffix: "", best: false } : { text: cellText(c, d, stderr), suffix: (best.has(i) ? " *" : "") + fn.mark(c), best: best.has(i) },
          ),
          chance: r.chance === undefined ? "—" : num(r.chance, d),
        };
      }),
    );
    const flat = body.flat();
    const sufW = card.columns.map((_, i) => Math.max(0, ...flat.map((r) => visible(r.cells[i].suffix))));
    const numW = card.columns.map((c, i) => Math.max(visible(c.label) - sufW[i], ...flat.map((r) => visible(r.cells[i].text))));
    const chanceW = chance ? Math.max(6, ...flat.map((r) => visible(r.chance))) : 0;
    const nameW = Math.max(0, ...flat.map((r) => 2 + visible(r.name + r.arrow)), ...groups.map(([g]) => visible(g)));
    const rest = numW.reduce((a, w, i) => a + 2 + w + sufW[i], 0) + (chance ? 2 + chanceW : 0);
    return { body, numW, sufW, chanceW, nameW, rest };
  };
  let stderr = true;
  let L = layout(true);
  if (L.nameW + L.rest > width && card.rows.some((r) => r.cells.some((c) => c?.stderr !== undefined))) {
    stderr = false;
    L = layout(false);
  }
  const nameW = Math.max(8, Math.min(L.nameW, width - L.rest));

  const out: string[] = [paint("1", `report card · ${card.recipe}`), ""];
  const header = padR("", nameW) + card.columns.map((c, i) => "  " + padR(padL(c.label, L.numW[i]), L.numW[i] + L.sufW[i])).join("") + (chance ? "  " + padL("chance", L.chanceW) : "");
  out.push(header.trimEnd());
  for (const [gi, [g]] of groups.entries()) {
    out.push(paint("1", g));
    for (const r of L.body[gi]) {
      let line = padR(`  ${clip(r.name, nameW - 2 - visible(r.arrow))}${r.arrow}`, nameW);
      for (const [i, c] of r.cells.entries()) {
        const [lead, trail] = [L.numW[i] - visible(c.text), L.sufW[i] - visible(c.suffix)];
        const text = c.best ? paint("1;32", c.text + c.suffix) : c.text === "—" ? paint("2", c.text) : c.text + c.suffix;
        line += "  " + " ".repeat(lead) + text + " ".repeat(trail);
      }
      if (chance) line += "  " + " ".repeat(L.chanceW - visible(r.chance)) + (r.chance === "—" ? paint("2", r.chance) : r.chance);
      out.push(line.trimEnd());
    }
  }
  out.push("");
  const legend = [
    ...(card.rows.some((r) => bestCells(r).size > 0) ? ["* best in row"] : []),
    ...(card.rows.some((r) => r.higherIsBetter === true) ? ["↑ higher is better"] : []),
    ...(card.rows.some((r) => r.higherIsBetter === false) ? ["↓ lower is better"] : []),
  ];
  if (legend.length > 0) out.push(paint("2", legend.join(" · ")));
  if (!stderr) out.push(paint("2", `± stderr hidden to fit ${width} columns`));
  for (const l of [...fn.lines, ...card.notes.map((n) => `- ${n}`)]) out.push(l);
  return `${out.join("\n")}\n`;
}

const esc = (s: string) => s.replace(/\|/g, "\\|");

/** The card as a Markdown section: a heading, a table with best values in bold, the legend and notes. */
export function cardMarkdown(card: ReportCard): string {
  checkCard(card);
  const fn = footnotes(card);
  const chance = hasChance(card);
  const out = [`## Report card: ${esc(card.recipe)}`, ""];
  const cols = [...card.columns.map((c) => esc(c.label)), ...(chance ? ["chance"] : [])];
  out.push(`| metric | ${cols.join(" | ")} |`);
  out.push(`|:--|${cols.map(() => "--:|").join("")}`);
  for (const [g, rows] of grouped(card)) {
    out.push(`| **${g}** |${cols.map(() => " |").join("")}`);
    for (const r of rows) {
      const best = bestCells(r);
      const d = digitsOf(r);
      const cells = r.cells.map((c, i) => {
        if (c === null) return "—";
        const t = cellText(c, d, true);
        return (best.has(i) ? `**${t}**` : t) + fn.mark(c);
      });
      if (chance) cells.push(r.chance === undefined ? "—" : num(r.chance, d));
      out.push(`| ${esc(r.name)}${ARROW(r)} | ${cells.join(" | ")} |`);
    }
  }
  out.push("", "**Bold**: best in row. ↑ higher is better, ↓ lower is better. Values are mean ± standard error.");
  const notes = [...fn.lines, ...card.notes];
  if (notes.length > 0) out.push("", ...notes.map((n) => `- ${esc(n)}`));
  return `${out.join("\n")}\n`;
}

/** The card as JSON (the ReportCard itself, two-space indented, newline-terminated). */
export function cardJson(card: ReportCard): string {
  checkCard(card);
  return `${JSON.stringify(card, null, 2)}\n`;
}
