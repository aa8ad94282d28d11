// Loading tasks: shipped names, data files in the Hugging Face schemas, and located errors for bad data.
// Run: bun test packages/eval/src/tasks
import { afterAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadTask, shippedTaskNames } from "./load.ts";
import { DATA, FIXTURES } from "./testing.ts";

const dir = mkdtempSync(join(tmpdir(), "lathe-task-load-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

test("the shipped tasks are listed by name, with all 57 MMLU subjects and the 5 MMLU groups", () => {
  const names = shippedTaskNames();
  for (const n of ["hellaswag", "arc_easy", "arc_challenge", "truthfulqa_mc1", "truthfulqa_mc2", "piqa", "lambada_openai", "mmlu", "mmlu_stem", "mmlu_humanities"]) expect(names).toContain(n);
  expect(names.filter((n) => n.startsWith("mmlu_") && !["mmlu_stem", "mmlu_other", "mmlu_social_sciences", "mmlu_humanities"].includes(n))).toHaveLength(57);
});

test.each(Object.keys(DATA))("%s loads its fixture in the Hugging Face schema", async (name) => {
  const t = await loadTask(name, { root: FIXTURES, dataFiles: DATA[name] });
  expect(t.docs.length).toBeGreaterThanOrEqual(2);
});

test("hellaswag's process_docs adds query, cleaned choices and gold", async () => {
  const t = await loadTask("hellaswag", { root: FIXTURES, dataFiles: DATA.hellaswag });
  expect(t.docs[1]).toMatchObject({ query: "Home and Garden: How to water a fern. Check the soil.", gold: 0 });
  expect(t.chance).toBe(0.25);
});

test("limit keeps the first documents and remembers how many there were", async () => {
  const t = await loadTask("arc_easy", { root: FIXTURES, dataFiles: DATA.arc_easy, limit: 2 });
  expect([t.docs.length, t.totalDocs]).toEqual([2, 3]);
});

test("a local dataset_path folder in the Hugging Face layout is found without data_files", async () => {
  mkdirSync(join(dir, "hf/ARC-Easy"), { recursive: true });
  writeFileSync(join(dir, "hf/ARC-Easy/test-00000-of-00001.jsonl"), '{"id": "x", "question": "Q?", "choices": {"text": ["a", "b"], "label": ["A", "B"]}, "answerKey": "B"}\n');
  const yaml = write("arc_local.yaml", `include: ${join(import.meta.dir, "../../tasks/arc/arc_easy.yaml")}\ntask: arc_local\ndataset_path: hf\n`);
  const t = await loadTask(yaml, { root: dir });
  expect(t.docs).toHaveLength(1);
});

test("an unknown task name is a TaskError that suggests the closest", async () => {
  await expect(loadTask("helaswag", { root: FIXTURES })).rejects.toThrow('helaswag: no shipped task named "helaswag". Hint: did you mean "hellaswag"? Or pass the path of a task YAML file');
});

test("a task without data for its split says how to give it", async () => {
  await expect(loadTask("piqa", { root: FIXTURES })).rejects.toThrow(/piqa\.yaml \(data_files\): no data for split "validation" of piqa \(dataset baber\/piqa\)\. Hint: pass data files/);
});

test("a template that uses a missing column names the file, row and field", async () => {
  const f = write("arc_bad.jsonl", '{"id": "1", "question_text": "Q?", "choices": {"text": ["a"], "label": ["A"]}, "answerKey": "A"}\n{"id": "2", "question_text": "Q2?", "choices": {"text": ["a"], "label": ["A"]}, "answerKey": "A"}\n');
  await expect(loadTask("arc_easy", { root: dir, dataFiles: { test: f } })).rejects.toThrow(
    /arc_easy\.yaml:11:14 \(row 0, doc_to_text\): template "Question: \{\{question\}\}\\nAnswer:" uses "question", which is not a column of the document \(columns: id, question_text, choices, answerKey\) \(split test of .*arc_bad\.jsonl\)\. Hint: point data_files at files with the dataset's own column names/,
  );
});

test("a data file without the columns process_docs needs is a TaskError naming the column", async () => {
  const f = write("hs_bad.jsonl", '{"ind": 1, "activity_label": "A", "context": "x", "endings": ["a"], "label": "0"}\n');
  await expect(loadTask("hellaswag", { root: dir, dataFiles: { validation: f } })).rejects.toThrow(
    /hs_bad\.jsonl \(row 0, ctx_a\): column "ctx_a" missing: process_docs hellaswag\/utils\.process_docs needs activity_label, ctx_a, ctx_b, endings, label; the file has ind, activity_label, context, endings, label\. Hint: point data_files at Rowan\/hellaswag's files as published \(Hugging Face column names\)/,
  );
});

test("a data row that lacks a column of the file is a TaskError naming row and column", async () => {
  const f = write("piqa_bad.jsonl", '{"goal": "g", "sol1": "a", "sol2": "b", "label": 0}\n{"goal": "g", "sol1": "a", "label": 1}\n');
  await expect(loadTask("piqa", { root: dir, dataFiles: { validation: f } })).rejects.toThrow(/piqa_bad\.jsonl \(row 1, sol2\): row lacks column "sol2" \(columns of the file: goal, sol1, sol2, label; this row has goal, sol1, label\)/);
});

test("an empty data split is an empty-task error", async () => {
  const f = write("empty.jsonl", "\n");
  await expect(loadTask("lambada_openai", { root: dir, dataFiles: { test: f } })).rejects.toThrow(/empty\.jsonl \(test\): empty task: split "test" of lambada_openai has no documents\. Hint: check the data file/);
});

test("a data file URL must carry its sha256", async () => {
  await expect(loadTask("lambada_openai", { root: dir, dataFiles: { test: "https://example.org/lambada.jsonl" } })).rejects.toThrow("https://example.org/lambada.jsonl: a data file URL needs its SHA-256 as #sha256=<64 hex digits>");
});

test("a data file URL already in the cache is read without downloading", async () => {
  const sha = "a".repeat(64);
  mkdirSync(join(dir, "cache/downloads"), { recursive: true });
  writeFileSync(join(dir, "cache/downloads", `${sha.slice(0, 16)}-lambada.jsonl`), '{"text": "one two three"}\n');
  const t = await loadTask("lambada_openai", { root: dir, dataFiles: { test: `https://example.org/lambada.jsonl#sha256=${sha}` } });
  expect(t.docs).toEqual([{ text: "one two three" }]);
});

test("a user group file lists its folder's tasks and shipped ones; other YAML beside it is ignored", async () => {
  write("recipe.yaml", "name: not-a-task\nseed: 1\n");
  write("my_lambada.yaml", `include: ${join(import.meta.dir, "../../tasks/lambada/lambada_openai.yaml")}\ntask: my_lambada\n`);
  const g = write("my_group.yaml", "group: my_group\ntask:\n  - my_lambada\n  - lambada_openai\n");
  const t = await loadTask(g, { root: dir, dataFiles: { test: join(FIXTURES, "lambada_test.jsonl") } });
  expect(t.group?.children.map((c) => c.config.task)).toEqual(["my_lambada", "lambada_openai"]);
});
