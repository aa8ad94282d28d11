// The exact text of a small report card as a terminal table and as Markdown, narrow terminals, colour, and JSON.
import { expect, test } from "bun:test";
import type { ReportCard } from "./card.ts";
import { cardJson, cardMarkdown, formatCardTerminal } from "./format.ts";

const CARD: ReportCard = {
  recipe: "recipes/tiny.yaml",
  columns: [
    { id: "train", label: "train" },
    { id: "sft", label: "sft" },
  ],
  rows: [
    { group: "tasks", name: "hellaswag acc_norm", chance: 0.25, higherIsBetter: true, cells: [{ value: 0.2621, stderr: 0.0044, n: 10042 }, { value: 0.271, stderr: 0.0044, n: 10042 }] },
    { group: "intrinsic", name: "bits_per_byte (val)", higherIsBetter: false, cells: [{ value: 1.2345 }, { value: 1.3012 }] },
    { group: "tasks", name: "arc_easy acc", chance: 0.25, higherIsBetter: true, cells: [{ value: 0.301, stderr: 0.0094, n: 500, note: "first 500 docs" }, null] },
    { group: "rating", name: "Elo (Bradley–Terry)", digits: 0, cells: [{ value: 987.6 }, { value: 1012.4 }] },
  ],
  notes: ["sft was fine-tuned from train"],
};

test("the terminal table groups rows, aligns numbers, marks the best per row and lists footnotes and notes", () => {
  expect(formatCardTerminal(CARD)).toBe(
    [
      "report card · recipes/tiny.yaml",
      "",
      "                                 train                sft    chance",
      "intrinsic",
      "  bits_per_byte (val) ↓          1.234 *            1.301         —",
      "tasks",
      "  hellaswag acc_norm ↑   0.262 ± 0.004      0.271 ± 0.004 *   0.250",
      "  arc_easy acc ↑         0.301 ± 0.009 [1]              —     0.250",
      "rating",
      "  Elo (Bradley–Terry)              988               1012         —",
      "",
      "* best in row · ↑ higher is better · ↓ lower is better",
      "[1] train · arc_easy acc: first 500 docs",
      "- sft was fine-tuned from train",
      "",
    ].join("\n"),
  );
});

test("a terminal too narrow for the table drops the stderrs, then shortens metric names, keeping their arrows", () => {
  const lines = formatCardTerminal(CARD, { width: 44 }).split("\n");
  expect(lines.slice(2, 10)).toEqual([
    "                  train        sft    chance",
    "intrinsic",
    "  bits_per_by… ↓  1.234 *    1.301         —",
    "tasks",
    "  hellaswag a… ↑  0.262      0.271 *   0.250",
    "  arc_easy acc ↑  0.301 [1]      —     0.250",
    "rating",
    "  Elo (Bradley–…    988       1012         —",
  ]);
  expect(lines).toContain("± stderr hidden to fit 44 columns");
});

test("with colour, best cells are bold green and missing ones dim", () => {
  const out = formatCardTerminal(CARD, { color: true });
  expect(out).toContain("\x1b[1;32m0.271 ± 0.004 *\x1b[0m");
  expect(out).toContain("              \x1b[2m—\x1b[0m  ");
  expect(out.replace(/\x1b\[[0-9;]*m/g, "")).toBe(formatCardTerminal(CARD));
});

test("the Markdown card has one table with group rows, best values in bold and the notes as a list", () => {
  expect(cardMarkdown(CARD)).toBe(
    [
      "## Report card: recipes/tiny.yaml",
      "",
      "| metric | train | sft | chance |",
      "|:--|--:|--:|--:|",
      "| **intrinsic** | | | |",
      "| bits_per_byte (val) ↓ | **1.234** | 1.301 | — |",
      "| **tasks** | | | |",
      "| hellaswag acc_norm ↑ | 0.262 ± 0.004 | **0.271 ± 0.004** | 0.250 |",
      "| arc_easy acc ↑ | 0.301 ± 0.009 [1] | — | 0.250 |",
      "| **rating** | | | |",
      "| Elo (Bradley–Terry) | 988 | 1012 | — |",
      "",
      "**Bold**: best in row. ↑ higher is better, ↓ lower is better. Values are mean ± standard error.",
      "",
      "- [1] train · arc_easy acc: first 500 docs",
      "- sft was fine-tuned from train",
      "",
    ].join("\n"),
  );
});

test("a pipe in a name is escaped in Markdown", () => {
  const card: ReportCard = { ...CARD, rows: [{ group: "tasks", name: "a|b", cells: [null, { value: 1 }] }], notes: [] };
  expect(cardMarkdown(card)).toContain("| a\\|b | — | 1.000 |");
});

test("the JSON card parses back to the same card", () => {
  expect(JSON.parse(cardJson(CARD))).toEqual(CARD);
});

test("a row with a wrong number of cells is refused with its name and a hint", () => {
  const bad: ReportCard = { ...CARD, rows: [{ group: "tasks", name: "piqa acc", cells: [{ value: 0.6 }] }] };
  expect(() => formatCardTerminal(bad)).toThrow(
    'report card of recipes/tiny.yaml, row "piqa acc" (tasks): 1 cells for 2 columns. Hint: give every row one cell per column, null where there is no value',
  );
});
