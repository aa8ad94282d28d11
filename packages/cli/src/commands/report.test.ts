// lathe report's assembly: the merged report card with a column per evaluated trial, and the page's inputs.
import { expect, test } from "bun:test";
import { CARD, fixtureTrials } from "../trials/test-fixtures.ts";
import { trialTable } from "../trials/table.ts";
import { reportInput, trialsCard } from "./report.ts";

const trials = fixtureTrials();
const table = trialTable("sweep.yaml", trials);

test("the report card has one column per evaluated trial, labelled with its differing parameters", () => {
  const second = { ...trials[0]!, card: { ...CARD, notes: ["wordnet_define: 20 of 117 docs"] } };
  const card = trialsCard(table, [second, trials[1]!])!;
  expect(card.columns).toEqual([
    { id: "trial-1", label: "trial-1 (train.lr=0.003)" },
    { id: "trial-2", label: "trial-2 (train.lr=0.01)" },
  ]);
  expect(card.rows.find((r) => r.name === "wordnet_define acc")!.cells.map((c) => c?.value)).toEqual([0.3, 0.3]);
  expect(card.notes).toEqual(["trial-1: wordnet_define: 20 of 117 docs"]);
});

test("without any evaluated trial there is no card", () => {
  expect(trialsCard(table, [trials[0]!])).toBeUndefined();
});

test("the page gets train and val loss charts, the built samples and uPlot from the installed package", () => {
  const input = reportInput(table, trials, undefined);
  expect(input.charts.map((c) => [c.id, c.series.map((s) => s.name)])).toEqual([
    ["train-loss", ["trial-1", "trial-2", "trial-3"]],
    ["val-loss", ["trial-1", "trial-2", "trial-3"]],
  ]);
  expect(input.samples).toEqual([{ trial: "trial-1", text: "The end" }]);
  expect(input.assets.uplotJs).toContain("uPlot");
  expect(input.assets.uplotCss).toContain(".uplot");
  expect(input.assets.clientJs).toContain("lathe-data");
});
