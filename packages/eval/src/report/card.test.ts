// The report card model: best cells per row, shape checks with located messages, merging cards into one column per
// stage or trial, and rating rows built from a rating summary.
import { expect, test } from "bun:test";
import type { Rating } from "../rate/ratings.ts";
import { summarizeRatings } from "../rate/summary.ts";
import { bestCells, checkCard, mergeCards, ratingRows, type CardRow, type ReportCard } from "./card.ts";

const row = (cells: (number | null)[], higherIsBetter?: boolean): CardRow => ({
  group: "tasks",
  name: "m",
  ...(higherIsBetter !== undefined ? { higherIsBetter } : {}),
  cells: cells.map((v) => (v === null ? null : { value: v })),
});

test.each([
  ["the highest when higher is better", [0.3, 0.5, null, 0.4], true, [1]],
  ["the lowest when lower is better", [1.2, 1.1, 1.3], false, [1]],
  ["every tied best", [0.5, 0.2, 0.5], true, [0, 2]],
  ["none without a direction", [0.5, 0.2], undefined, []],
  ["none with a single value", [0.5, null], true, []],
] as const)("the best cells of a row are %s", (_, cells, hib, want) => {
  expect([...bestCells(row([...cells], hib))]).toEqual([...want]);
});

const trial = (id: string, acc: number): ReportCard => ({
  recipe: "sweep.yaml",
  columns: [{ id, label: id }],
  rows: [
    { group: "intrinsic", name: "bits_per_byte (val)", higherIsBetter: false, cells: [{ value: acc + 1 }] },
    { group: "tasks", name: "piqa acc", chance: 0.5, higherIsBetter: true, cells: [{ value: acc, stderr: 0.01, n: 1838 }] },
  ],
  notes: ["sweep over lr"],
});

test("merging per-trial cards gives one column per trial and one row per metric", () => {
  const extra: ReportCard = {
    recipe: "sweep.yaml",
    columns: [{ id: "trial-2/train", label: "trial-2/train" }],
    rows: [{ group: "tasks", name: "arc_easy acc", chance: 0.25, higherIsBetter: true, cells: [{ value: 0.4 }] }],
    notes: ["sweep over lr", "trial-2 stopped early"],
  };
  const merged = mergeCards([trial("trial-1/train", 0.6), trial("trial-2/train", 0.62), extra]);
  expect(merged).toEqual({
    recipe: "sweep.yaml",
    columns: [
      { id: "trial-1/train", label: "trial-1/train" },
      { id: "trial-2/train", label: "trial-2/train" },
    ],
    rows: [
      { group: "intrinsic", name: "bits_per_byte (val)", higherIsBetter: false, cells: [{ value: 1.6 }, { value: 1.62 }] },
      { group: "tasks", name: "piqa acc", chance: 0.5, higherIsBetter: true, cells: [{ value: 0.6, stderr: 0.01, n: 1838 }, { value: 0.62, stderr: 0.01, n: 1838 }] },
      { group: "tasks", name: "arc_easy acc", chance: 0.25, higherIsBetter: true, cells: [null, { value: 0.4 }] },
    ],
    notes: ["sweep over lr", "trial-2 stopped early"],
  });
});

test("merging two cards that disagree on a cell is an error naming the row, column and both values", () => {
  const other = { ...trial("train", 0.7), recipe: "other.yaml" };
  expect(() => mergeCards([trial("train", 0.6), other])).toThrow(
    'report card row "bits_per_byte (val)" (intrinsic), column "train": sweep.yaml says 1.6 but other.yaml says 1.7. Hint: merge cards of different stages, or rebuild one of them',
  );
});

test.each([
  [
    "a repeated column id",
    { recipe: "r.yaml", columns: [{ id: "train", label: "a" }, { id: "train", label: "b" }], rows: [], notes: [] },
    'report card of r.yaml: column "train" appears twice. Hint: give each stage or trial its own column id',
  ],
  [
    "a value that is not a number",
    { recipe: "r.yaml", columns: [{ id: "train", label: "train" }], rows: [{ group: "tasks", name: "piqa acc", cells: [{ value: Number.NaN }] }], notes: [] },
    'report card of r.yaml, row "piqa acc" (tasks), column "train": value NaN is not a finite number. Hint: use null for a missing value',
  ],
] as const)("checkCard refuses %s", (_, card, message) => {
  expect(() => checkCard(card as unknown as ReportCard)).toThrow(message);
});

const AT = "2025-01-02T03:04:05.000Z";
const vote = (a: string, b: string, winner: string): Rating => ({ at: AT, prompt: "p", systems: [a, b], outputs: ["x", "y"], winner });

test("rating rows give each stage its win rate with a binomial stderr, and the mean of each criterion", () => {
  const s = summarizeRatings([
    vote("train", "sft", "sft"),
    vote("sft", "train", "sft"),
    vote("sft", "train", "tie"),
    vote("train", "sft", "train"),
    { at: AT, prompt: "p", system: "sft", output: "x", scores: { fluency: 4, coherence: 3, relevance: 5 } },
  ]);
  const rows = ratingRows(s, [
    { id: "train", label: "train" },
    { id: "sft", label: "sft" },
  ]);
  expect(rows.map((r) => r.name)).toEqual(["win rate (ties ½)", "fluency (1–5)", "coherence (1–5)", "relevance (1–5)"]);
  const se = Math.sqrt((0.375 * 0.625) / 4);
  expect(rows[0].cells).toEqual([
    { value: 0.375, stderr: se, n: 4 },
    { value: 0.625, stderr: se, n: 4 },
  ]);
  expect(rows[1].cells).toEqual([null, { value: 4, n: 1 }]);
});

test("rating rows include Elo when three stages were compared", () => {
  const s = summarizeRatings([vote("a", "b", "a"), vote("b", "c", "b"), vote("c", "a", "c"), vote("a", "b", "b"), vote("b", "c", "c"), vote("c", "a", "a")]);
  const elo = ratingRows(s, [{ id: "a", label: "a" }, { id: "c", label: "c" }]).find((r) => r.name === "Elo (Bradley–Terry)");
  expect(elo?.cells.map((c) => Math.round(c?.value ?? 0))).toEqual([1000, 1000]);
});
