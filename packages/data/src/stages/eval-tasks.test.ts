// decontaminate's tasks: planned (inputs, located errors) and run through collect → clean with JSONL, CSV and
// Parquet task files in the published schemas of hellaswag, arc and mmlu.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StageContext, StageDef } from "@lathe/engine";
import { parquetWriteBuffer } from "hyparquet-writer";
import { SectionError } from "../errors.ts";
import { inspect } from "./inspect.ts";
import { dataStages } from "./stages.ts";

const tmp = mkdtempSync(join(tmpdir(), "lathe-data-tasks-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const root = join(import.meta.dir, "..", "..", "..", "..");
const dir = join(tmp, "proj");
mkdirSync(join(dir, "evals"), { recursive: true });

// 21 words; a training document quoting 13 of them in a row is contaminated, 12 are not enough.
const ending = "then grabs a long wooden ladder and climbs carefully onto the steep roof of the old red barn near the river";
const hellaswag = {
  ind: 24, activity_label: "Roof shingle removal", ctx_a: "A man is sitting on a roof.", ctx_b: "he",
  ctx: "A man is sitting on a roof. he", endings: ["is using wrap to wrap a pair of skis.", "is ripping level tiles off.", ending, "starts pulling up roofing on a roof."],
  source_id: "activitynet~v_-JhWjGDPHMY", split: "val", split_type: "indomain", label: "2",
};
writeFileSync(join(dir, "evals", "hellaswag_val.jsonl"), `${JSON.stringify({ ...hellaswag, ind: 1, endings: ["a", "b", "c", "d"] })}\n${JSON.stringify(hellaswag)}\n`);
writeFileSync(join(dir, "evals", "arc_easy.csv"), 'id,question,choices.text,answerKey\nMercury_1,"Which gas do plants take in from the air?","carbon dioxide",A\n');
const mmluChoice = "the heart muscle contracts rhythmically to push oxygen rich blood through the arteries to every organ of the body";
const mmluSchema = [
  { name: "root", num_children: 4 },
  { name: "question", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" },
  { name: "subject", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" },
  { name: "choices", repetition_type: "OPTIONAL", converted_type: "LIST", num_children: 1 },
  { name: "list", repetition_type: "REPEATED", num_children: 1 },
  { name: "element", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" },
  { name: "answer", type: "INT64", repetition_type: "OPTIONAL" },
];
writeFileSync(join(dir, "evals", "mmlu_anatomy_test.parquet"), new Uint8Array(parquetWriteBuffer({
  schema: mmluSchema,
  columnData: [
    { name: "question", data: ["What does the heart do?", "Which bone is in the arm?"] },
    { name: "subject", data: ["anatomy", "anatomy"] },
    { name: "choices", data: [["It filters blood", "It stores bile", "It makes insulin", mmluChoice], ["Femur", "Humerus", "Tibia", "Fibula"]] },
    { name: "answer", data: [3n, 1n] },
  ],
} as Parameters<typeof parquetWriteBuffer>[0])));
writeFileSync(join(dir, "evals", "numbers.jsonl"), '{"label": 3, "id": "0001"}\n{"label": 1, "id": "0002"}\n');
writeFileSync(join(dir, "evals", "empty.parquet"), new Uint8Array(parquetWriteBuffer({ columnData: [{ name: "label", data: [1, 2], type: "INT32" }] })));

const train = [
  "Yesterday at the farm my uncle then grabs a long wooden ladder and climbs carefully onto the steep roof of the barn.",
  "Yesterday at the farm my uncle then grabs a long wooden ladder and climbs carefully onto the steep hill behind the house.",
  "In biology class we learned that the heart muscle contracts rhythmically to push oxygen rich blood through the arteries to every organ.",
  "A plain note about the weather, which was mild and dry all week long in the valley towns.",
];
writeFileSync(join(dir, "train.jsonl"), `${train.map((text) => JSON.stringify({ text })).join("\n")}\n`);

type Task = { task: string; data_files: string[] };
const recipe = (tasks: Task[], sets: { path: string }[] = []) => ({
  datasets: [{ path: "train.jsonl" }],
  clean: [{ rule: "normalize" }, { rule: "decontaminate", sets, tasks }, { rule: "split", val: 0, test: 0 }],
});
const plan = (tasks: Task[], sets: { path: string }[] = []) => dataStages({ recipe: recipe(tasks, sets), file: join(dir, "recipe.yaml"), root, id: (n) => n });

async function run(stage: StageDef, inputs: Record<string, string | readonly string[]>, logs: string[] = []): Promise<string> {
  const outDir = join(tmp, `out-${Math.random().toString(36).slice(2)}`);
  mkdirSync(outDir, { recursive: true });
  const ctx: StageContext = {
    id: stage.id, params: stage.params, inputs, outDir, scratchDir: join(tmp, "scratch"), root, resource: "cpu", signal: new AbortController().signal,
    log: (l) => logs.push(l), progress: () => {}, metric: () => {},
  };
  await stage.run(ctx);
  return outDir;
}

async function clean(tasks: Task[], logs: string[] = []) {
  const { collect, clean } = plan(tasks);
  const c = await run(collect, {});
  const out = await run(clean, { collect: c }, logs);
  const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
  const kept = readFileSync(join(out, "train.jsonl"), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l).id);
  return { out, report, kept, decon: report.rules[1] };
}

describe("decontaminate tasks", () => {
  test("a document sharing a 13-gram with a hellaswag answer choice is dropped and counted under hellaswag; 12 shared words are kept", async () => {
    const logs: string[] = [];
    const { kept, decon, out } = await clean([{ task: "hellaswag", data_files: ["evals/hellaswag_val.jsonl"] }, { task: "arc_easy", data_files: ["evals/arc_easy.csv"] }], logs);
    expect(kept).toEqual(["train.jsonl:2", "train.jsonl:3", "train.jsonl:4"]);
    const reason = 'shared_ngram: shares the 13-gram "then grabs a long wooden ladder and climbs carefully onto the steep roof" with task hellaswag (evals/hellaswag_val.jsonl:2)';
    expect(decon).toMatchObject({ rule: "1:decontaminate", docs_removed: 1, reasons: { shared_ngram: 1 } });
    expect(decon.examples.map((e: { reason: string }) => e.reason)).toEqual([reason]);
    expect(decon.by_task).toEqual({
      hellaswag: { docs_removed: 1, bytes_removed: Buffer.byteLength(train[0]!), examples: [{ id: "train.jsonl:1", reason, excerpt: train[0] }] },
      arc_easy: { docs_removed: 0, bytes_removed: 0, examples: [] },
    });
    expect(logs).toContain("decontaminate: task hellaswag: 2 records, 65 new 13-grams from 1 file(s)");
    expect(inspect(out, { samples: 1 })).toContain("by task: hellaswag 1, arc_easy 0");
  });

  test("a Parquet task file (mmlu's schema, choices a list of strings) protects every choice", async () => {
    const { kept, decon } = await clean([{ task: "mmlu_anatomy", data_files: ["evals/mmlu_anatomy_test.parquet"] }]);
    expect(kept).toEqual(["train.jsonl:1", "train.jsonl:2", "train.jsonl:4"]);
    expect(decon.by_task.mmlu_anatomy.docs_removed).toBe(1);
    expect(decon.examples[0].reason).toEndWith("with task mmlu_anatomy (evals/mmlu_anatomy_test.parquet:row 0)");
  });

  test("the task files are inputs of the clean stage, and a rule without tasks adds none", () => {
    expect(plan([{ task: "hellaswag", data_files: ["evals/hellaswag_val.jsonl", "evals/mmlu_anatomy_test.parquet"] }]).clean.inputs).toEqual({
      collect: { stage: "collect" },
      tasks: { files: [join(dir, "evals", "hellaswag_val.jsonl"), join(dir, "evals", "mmlu_anatomy_test.parquet")] },
    });
    expect(plan([]).clean.inputs).toEqual({ collect: { stage: "collect" } });
  });

  test("a pinned URL is no file input (its sha256 is in the params)", () => {
    const url = `https://example.org/hellaswag_val.jsonl#sha256=${"a".repeat(64)}`;
    expect(plan([{ task: "hellaswag", data_files: [url] }]).clean.inputs).toEqual({ collect: { stage: "collect" } });
  });

  test.each([
    [[{ task: "hellaswag", data_files: ["evals/missing.jsonl"] }], `clean/1/tasks/0/data_files/0: file ${join(dir, "evals", "missing.jsonl")} does not exist. Hint: paths are relative to the recipe file's folder.`],
    [[{ task: "arc_easy", data_files: ["evals/arc_easy.csv"] }, { task: "numbers", data_files: ["evals/arc_easy.csv", "evals/numbers.jsonl"] }], `clean/1/tasks/1/data_files/1: ${join(dir, "evals", "numbers.jsonl")} holds no text. Hint: point data_files at the task's records (question, context and choice fields); a string with a letter in any field counts.`],
    [[{ task: "labels", data_files: ["evals/empty.parquet"] }], `clean/1/tasks/0/data_files/0: ${join(dir, "evals", "empty.parquet")} holds no text. Hint: point data_files at the task's records (question, context and choice fields); a string with a letter in any field counts.`],
    [[{ task: "brown_cloze", data_files: ["evals/hellaswag_val.jsonl"] }], 'clean/1/tasks/0/task: "brown_cloze" is a built-in eval task. Hint: built-in tasks are built from held-out text only, so they cannot contaminate training by construction; remove this entry.'],
    [[{ task: "hellaswag", data_files: ["evals/hellaswag_val.jsonl"] }, { task: "hellaswag", data_files: ["evals/arc_easy.csv"] }], "clean/1/tasks/1/task: task hellaswag is listed twice (also at tasks/0). Hint: list all of a task's files under one entry."],
    [[{ task: "piqa", data_files: ["https://example.org/piqa.jsonl"] }], "clean/1/tasks/0/data_files/0: URL https://example.org/piqa.jsonl has no #sha256=<64 hex digits>. Hint: append #sha256=<hex> (sha256sum of the file) so the download is verified and cached."],
    [[{ task: "piqa", data_files: ["evals/piqa.txt"] }], 'clean/1/tasks/0/data_files/0: cannot tell the format of "piqa.txt" from its extension. Hint: task data files are .jsonl, .parquet or .csv/.tsv (JSONL and CSV may be .gz or .zst), as published with the task.'],
    [[{ task: "piqa", data_files: [] }], "clean/1/tasks/0/data_files: must have at least 1 item, got 0 items."],
  ])("tasks %j are refused when the stage is planned: %s", (tasks, message) => {
    expect(() => plan(tasks)).toThrow(SectionError);
    expect(() => plan(tasks)).toThrow(message);
  });

  test("sets: still works beside tasks:, and its removals name the set document", async () => {
    writeFileSync(join(dir, "evals", "set.jsonl"), `${JSON.stringify({ text: train[3] })}\n`);
    const { collect, clean } = plan([{ task: "hellaswag", data_files: ["evals/hellaswag_val.jsonl"] }], [{ path: "evals/set.jsonl" }]);
    const out = await run(clean, { collect: await run(collect, {}) });
    const decon = JSON.parse(readFileSync(join(out, "report.json"), "utf8")).rules[1];
    expect(decon.docs_removed).toBe(2);
    expect(decon.by_task.hellaswag.docs_removed).toBe(1);
    expect(decon.examples.map((e: { reason: string }) => e.reason.replace(/.* with /, ""))).toEqual(["task hellaswag (evals/hellaswag_val.jsonl:2)", "evals/set.jsonl:1"]);
  });
});
