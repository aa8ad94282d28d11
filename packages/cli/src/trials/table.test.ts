// The trial table: columns, values per trial, eval main metrics, sorting and --sort names.
import { expect, test } from "bun:test";
import { findColumn, mainTaskRows, sortTable, trialTable } from "./table.ts";
import { CARD, fixtureTrials } from "./test-fixtures.ts";

const table = trialTable("sweep.yaml", fixtureTrials());

test("the columns are the trial, the differing parameters, the losses, each task's main metric, then counts and status", () => {
  expect(table.columns.map((c) => c.key)).toEqual([
    "trial", "train.lr", "val_loss", "best_val_loss", "val_bpb", "best_val_bpb", "wordnet_define acc", "tokens", "steps", "wall_s", "status",
  ]);
  expect(table.columns.find((c) => c.key === "wordnet_define acc")).toEqual({ key: "wordnet_define acc", label: "wordnet_define acc", kind: "metric", higherIsBetter: true });
});

test("each trial's row has its final and best losses, eval metric, counts, wall time and status", () => {
  expect(table.rows).toEqual([
    { trial: "trial-1", "train.lr": 0.003, val_loss: 5.2913, best_val_loss: 5.25, val_bpb: 5.4601, best_val_bpb: 5.42, "wordnet_define acc": null, tokens: 640, steps: 20, wall_s: 0.73, status: "done" },
    { trial: "trial-2", "train.lr": 0.01, val_loss: 4.48, best_val_loss: 4.48, val_bpb: 4.6237, best_val_bpb: 4.6237, "wordnet_define acc": 0.3, tokens: 320, steps: 10, wall_s: 65.5, status: "stopped early" },
    { trial: "trial-3", "train.lr": 0.03, val_loss: null, best_val_loss: null, val_bpb: null, best_val_bpb: null, "wordnet_define acc": null, tokens: null, steps: null, wall_s: null, status: "not built" },
  ]);
});

test("without a summary, final values, tokens and steps come from the metric history", () => {
  const [t] = fixtureTrials();
  const row = trialTable("r", [{ ...t!, summary: undefined }]).rows[0]!;
  expect([row.val_loss, row.val_bpb, row.tokens, row.steps]).toEqual([5.2913, 5.4601, 640, 20]);
});

test("the main metric of a task is its first row in the card", () => {
  expect(mainTaskRows(CARD)).toEqual([{ name: "wordnet_define acc", value: 0.3, higherIsBetter: true }]);
  expect(mainTaskRows(undefined)).toEqual([]);
});

test.each<[string, boolean, string[]]>([
  ["val_bpb", false, ["trial-2", "trial-1", "trial-3"]],
  ["val_bpb", true, ["trial-1", "trial-2", "trial-3"]],
  ["train.lr", true, ["trial-3", "trial-2", "trial-1"]],
  ["status", false, ["trial-1", "trial-3", "trial-2"]],
])("sorting by %s (descending: %p) orders the trials %j, empty cells last", (key, desc, order) => {
  expect(sortTable(table, key, desc).rows.map((r) => r.trial)).toEqual(order);
});

test.each([
  ["val_bpb", "val_bpb"],
  ["best val_loss", "best_val_loss"],
  ["Wall Time", "wall_s"],
])("--sort %s names the column %s", (name, key) => {
  expect(findColumn("compare", table, name).key).toBe(key);
});

test("an unknown --sort column is a usage error with the closest column", () => {
  expect(() => findColumn("compare", table, "val_bp")).toThrow('lathe compare: the trial table has no column "val_bp". Hint: did you mean --sort val_bpb?');
  expect(() => findColumn("compare", table, "bpb")).toThrow("Hint: did you mean --sort val_bpb or --sort best_val_bpb?");
  expect(() => findColumn("compare", table, "zzzzzz")).toThrow(`Hint: the columns are: ${table.columns.map((c) => c.key).join(", ")}`);
});
