// The report card: one column per model stage (or trial), one row per metric — intrinsic (bits per byte, ...), task
// scores, human ratings — with value ± stderr per cell. Plain JSON; format.ts renders it, mergeCards joins cards.
import { CRITERIA } from "../rate/ratings.ts";
import type { RatingSummary } from "../rate/summary.ts";

export type CardGroup = "intrinsic" | "tasks" | "rating";
/** The order groups are shown in. */
export const CARD_GROUPS: readonly CardGroup[] = ["intrinsic", "tasks", "rating"];

export interface CardColumn {
  /** Stage id, e.g. "train" or "trial-2/train". */
  readonly id: string;
  /** Header text, e.g. "train" or "trial-2 (lr=3e-4)". */
  readonly label: string;
}

export interface CardCell {
  readonly value: number;
  readonly stderr?: number;
  /** Examples (or votes) behind the value. */
  readonly n?: number;
  /** Shown as a footnote, e.g. "100 of 10042 docs". */
  readonly note?: string;
}

export interface CardRow {
  readonly group: CardGroup;
  /** e.g. "hellaswag acc_norm" or "bits_per_byte (val)". */
  readonly name: string;
  /** What guessing scores (e.g. 0.25 for four choices). */
  readonly chance?: number;
  /** Which way is better; unset = neither (no best cell is marked). */
  readonly higherIsBetter?: boolean;
  /** Decimals to show; default 3, or 1 when a value reaches 100. */
  readonly digits?: number;
  /** One per column, null where that stage has no value. */
  readonly cells: readonly (CardCell | null)[];
}

export interface ReportCard {
  /** The recipe file (or files, comma-separated, for a merged card). */
  readonly recipe: string;
  readonly columns: readonly CardColumn[];
  readonly rows: readonly CardRow[];
  readonly notes: readonly string[];
}

/** A card that breaks its own shape; the message says where (card, row, column), the value, and a fix. */
export class ReportCardError extends Error {
  override readonly name = "ReportCardError";
  constructor(
    readonly where: string,
    readonly problem: string,
    readonly hint: string,
  ) {
    super(`report card ${where}: ${problem}. Hint: ${hint}`);
  }
}

const rowKey = (r: Pick<CardRow, "group" | "name">) => `${r.group}\u0000${r.name}`;

/** Throws ReportCardError unless column ids are unique, rows are unique by group and name, and cells match columns. */
export function checkCard(card: ReportCard): void {
  const ids = new Set<string>();
  for (const c of card.columns) {
    if (ids.has(c.id)) throw new ReportCardError(`of ${card.recipe}`, `column "${c.id}" appears twice`, "give each stage or trial its own column id");
    ids.add(c.id);
  }
  const rows = new Set<string>();
  for (const r of card.rows) {
    const where = `of ${card.recipe}, row "${r.name}" (${r.group})`;
    if (!CARD_GROUPS.includes(r.group)) throw new ReportCardError(where, `unknown group "${r.group}"`, `use one of ${CARD_GROUPS.join(", ")}`);
    if (rows.has(rowKey(r))) throw new ReportCardError(where, "the row appears twice", "merge the two rows' cells into one row");
    rows.add(rowKey(r));
    if (r.cells.length !== card.columns.length)
      throw new ReportCardError(where, `${r.cells.length} cells for ${card.columns.length} columns`, "give every row one cell per column, null where there is no value");
    for (const [i, c] of r.cells.entries())
      if (c !== null && !Number.isFinite(c.value))
        throw new ReportCardError(`${where}, column "${card.columns[i].id}"`, `value ${c.value} is not a finite number`, "use null for a missing value");
  }
}

/** Indices of the best non-null cells of a row (all tied ones); none when the row has no direction or < 2 values. */
export function bestCells(row: CardRow): Set<number> {
  const present = row.cells.flatMap((c, i) => (c === null ? [] : [[i, c.value] as const]));
  if (row.higherIsBetter === undefined || present.length < 2) return new Set();
  const pick = row.higherIsBetter ? Math.max : Math.min;
  const best = pick(...present.map(([, v]) => v));
  return new Set(present.filter(([, v]) => v === best).map(([i]) => i));
}

/**
 * One card from several (e.g. one per trial, or an eval card and a rating card of the same stages): columns joined
 * by id in order of appearance, rows by group and name, notes deduplicated. Two different values for the same row and
 * column are an error.
 */
export function mergeCards(cards: readonly ReportCard[]): ReportCard {
  for (const c of cards) checkCard(c);
  const columns: CardColumn[] = [];
  const colAt = new Map<string, number>();
  for (const card of cards)
    for (const c of card.columns)
      if (!colAt.has(c.id)) {
        colAt.set(c.id, columns.length);
        columns.push(c);
      }
  type Acc = { row: Omit<CardRow, "cells">; cells: (CardCell | null)[]; from: (string | null)[] };
  const rows = new Map<string, Acc>();
  for (const card of cards)
    for (const r of card.rows) {
      const { cells, ...head } = r;
      const acc = rows.get(rowKey(r)) ?? { row: head, cells: columns.map(() => null), from: columns.map(() => null) };
      rows.set(rowKey(r), acc);
      acc.row = { ...head, ...acc.row }; // first card wins for chance / direction / digits
      for (const [i, cell] of cells.entries()) {
        if (cell === null) continue;
        const j = colAt.get(card.columns[i].id) as number;
        const prev = acc.cells[j];
        if (prev !== null && JSON.stringify(prev) !== JSON.stringify(cell))
          throw new ReportCardError(
            `row "${r.name}" (${r.group}), column "${columns[j].id}"`,
            `${acc.from[j]} says ${prev.value} but ${card.recipe} says ${cell.value}`,
            "merge cards of different stages, or rebuild one of them",
          );
        acc.cells[j] = cell;
        acc.from[j] = card.recipe;
      }
    }
  const recipes = [...new Set(cards.map((c) => c.recipe))];
  return {
    recipe: recipes.join(", "),
    columns,
    rows: [...rows.values()].map((a) => ({ ...a.row, cells: a.cells })),
    notes: [...new Set(cards.flatMap((c) => c.notes))],
  };
}

/**
 * The "rating" rows for a card from a rating summary whose systems are the columns' stage ids: pooled win rate (ties
 * as half) with its binomial stderr, Elo from Bradley–Terry when fitted, and the mean of each 1–5 criterion.
 */
export function ratingRows(summary: RatingSummary, columns: readonly CardColumn[]): CardRow[] {
  const rows: CardRow[] = [];
  if (summary.pairs.length > 0)
    rows.push({
      group: "rating",
      name: "win rate (ties ½)",
      chance: 0.5,
      higherIsBetter: true,
      cells: columns.map(({ id }) => {
        let w = 0;
        let n = 0;
        for (const p of summary.pairs)
          if (p.a === id || p.b === id) {
            w += (p.a === id ? p.wins : p.losses) + p.ties / 2;
            n += p.n;
          }
        if (n === 0) return null;
        const r = w / n;
        return { value: r, stderr: Math.sqrt((r * (1 - r)) / n), n };
      }),
    });
  const bt = summary.bradleyTerry;
  if (bt)
    rows.push({
      group: "rating",
      name: "Elo (Bradley–Terry)",
      higherIsBetter: true,
      digits: 0,
      cells: columns.map(({ id }) => {
        const s = bt.strengths.find((x) => x.system === id);
        return s ? { value: s.elo, n: s.n } : null;
      }),
    });
  if (summary.scores.length > 0)
    for (const c of CRITERIA)
      rows.push({
        group: "rating",
        name: `${c} (1–5)`,
        higherIsBetter: true,
        digits: 2,
        cells: columns.map(({ id }) => summary.scores.find((s) => s.system === id)?.criteria[c] ?? null).map((s) =>
          s === null ? null : { value: s.mean, n: s.n, ...(s.stderr !== undefined ? { stderr: s.stderr } : {}) },
        ),
      });
  return rows;
}
