// The trial table as aligned text, Markdown, CSV and JSON.
import { expect, test } from "bun:test";
import { formatCell, tableCsv, tableJson, tableMarkdown, tableText } from "./format.ts";
import { trialTable, type TableColumn } from "./table.ts";
import { fixtureTrials } from "./test-fixtures.ts";

const table = trialTable("sweep.yaml", fixtureTrials());

test.each<[TableColumn["kind"], string | number | null, string]>([
  ["metric", 4.62370492, "4.624"],
  ["count", 1_234_567, "1.2M"],
  ["seconds", 65.5, "1m05s"],
  ["param", 0.003, "0.003"],
  ["text", "done", "done"],
  ["metric", null, "-"],
])("a %s cell %p reads %s", (kind, v, text) => {
  expect(formatCell({ key: "k", label: "k", kind }, v)).toBe(text);
});

test("plain text aligns the columns, numbers to the right", () => {
  expect(tableText(table)).toBe(
    [
      "trial    train.lr  val_loss  best val_loss  val_bpb  best val_bpb  wordnet_define acc  tokens  steps  wall time  status",
      "trial-1     0.003     5.291           5.25     5.46          5.42                   -     640     20      730ms  done",
      "trial-2      0.01      4.48           4.48    4.624         4.624                 0.3     320     10      1m05s  stopped early",
      "trial-3      0.03         -              -        -             -                   -       -      -          -  not built",
    ].join("\n"),
  );
});

test("Markdown has a header, right-aligned number columns and escaped pipes", () => {
  const md = tableMarkdown({ ...table, rows: [{ ...table.rows[0]!, trial: "a|b" }] }).split("\n");
  expect(md[0]).toBe("| trial | train.lr | val_loss | best val_loss | val_bpb | best val_bpb | wordnet_define acc | tokens | steps | wall time | status |");
  expect(md[1]).toBe("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
  expect(md[2]).toBe("| a\\|b | 0.003 | 5.291 | 5.25 | 5.46 | 5.42 | - | 640 | 20 | 730ms | done |");
});

test("CSV has column keys, raw values, empty cells for none and quotes where needed", () => {
  const csv = tableCsv({ ...table, rows: [...table.rows, { ...table.rows[2]!, trial: 'say "hi", twice' }] }).split("\r\n");
  expect(csv[0]).toBe("trial,train.lr,val_loss,best_val_loss,val_bpb,best_val_bpb,wordnet_define acc,tokens,steps,wall_s,status");
  expect(csv[2]).toBe("trial-2,0.01,4.48,4.48,4.6237,4.6237,0.3,320,10,65.5,stopped early");
  expect(csv[4]).toBe('"say ""hi"", twice",0.03,,,,,,,,,not built');
  expect(csv[5]).toBe("");
});

test("JSON holds the recipe, the columns and one object per trial", () => {
  const json = JSON.parse(tableJson(table));
  expect(json.recipe).toBe("sweep.yaml");
  expect(json.columns).toEqual(table.columns);
  expect(json.trials).toEqual(table.rows);
});
