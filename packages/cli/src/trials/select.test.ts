// sweep.select: the built trial with the best metric value, the note that says so, and the errors.
import { expect, test } from "bun:test";
import { UsageError } from "../args.ts";
import type { PlannedRecipe } from "../load.ts";
import { tableText } from "./format.ts";
import { checkSelectMetric, metricValue, selectionNote, selectTrial } from "./select.ts";
import { trialTable } from "./table.ts";
import { fixtureTrials } from "./test-fixtures.ts";

const trials = fixtureTrials();

test("selection picks the built trial with the lowest value in min mode, and the highest in max mode", () => {
  expect(selectTrial(trials, { metric: "val_bpb", mode: "min" })).toEqual({ index: 1, trial: "trial-2", metric: "val_bpb", value: 4.6237, built: 2 });
  expect(selectTrial(trials, { metric: "val_bpb", mode: "max" })?.trial).toBe("trial-1");
});

test("a task metric comes from the trial's report card; trials without one are not candidates", () => {
  expect(metricValue(trials[1]!, "wordnet_define.acc")).toBe(0.3);
  expect(metricValue(trials[0]!, "wordnet_define.acc")).toBeUndefined();
  expect(selectTrial(trials, { metric: "wordnet_define.acc", mode: "max" })?.trial).toBe("trial-2");
});

test("with no built trial there is no selection", () => {
  expect(selectTrial([trials[2]!], { metric: "val_bpb", mode: "min" })).toBeUndefined();
});

test("the note names the trial, its value, how many trials are built and why", () => {
  expect(selectionNote({ index: 2, trial: "trial-3", metric: "val_bpb", value: 2.14, built: 9 })).toBe("using trial-3 (val_bpb 2.14, best of 9 built trials; sweep.select)");
});

test("compare's text table marks the selected trial and explains the mark", () => {
  const table = { ...trialTable("sweep.yaml", trials), selected: { trial: "trial-2", note: "using trial-2 (val_bpb 4.624, best of 2 built trials; sweep.select)" } };
  const lines = tableText(table).split("\n");
  expect(lines[2]!.startsWith("trial-2 *")).toBe(true);
  expect(lines.at(-1)).toBe("* selected: trial-2 (val_bpb 4.624, best of 2 built trials; sweep.select)");
});

const recipe = { shown: "sweep.yaml", kinds: [], contexts: [] } as unknown as PlannedRecipe;

test("a select metric no stage produces is one line naming the field and the metrics available", () => {
  expect(() => checkSelectMetric("sample", recipe, trials, "val_bpc")).toThrow(
    new UsageError("sample", "val_bpc", 'sweep.select.metric "val_bpc" is not a metric any stage of sweep.yaml produces', "the metrics available are: val_loss, val_bpb, train_loss, tokens_per_s, elapsed_s, steps, tokens, params, flops_per_token, wordnet_define.acc, wordnet_define.acc_norm"),
  );
  expect(() => checkSelectMetric("sample", recipe, trials, "val_bpc")).toThrow(/^lathe sample: sweep\.select\.metric "val_bpc" is not a metric any stage of sweep\.yaml produces\. Hint: the metrics available are: val_loss, /);
  expect(() => checkSelectMetric("sample", recipe, trials, "val_bpb")).not.toThrow();
  expect(() => checkSelectMetric("sample", recipe, trials, "wordnet_define.acc_norm")).not.toThrow();
});
