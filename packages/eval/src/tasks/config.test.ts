// Task YAML reading: the subset's fields, include:, !function, and located errors. Run: bun test packages/eval/src/tasks
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadTaskConfig, readTaskFile } from "./config.ts";
import { SHIPPED_TASKS_DIR } from "./load.ts";

const dir = mkdtempSync(join(tmpdir(), "lathe-task-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}
const BASE = 'task: t\noutput_type: multiple_choice\ndoc_to_text: "{{q}}"\ndoc_to_target: label\ndoc_to_choice: ["a", "b"]\ntest_split: test\n';

test("include merges the included file under the including file's fields", () => {
  const c = loadTaskConfig(join(SHIPPED_TASKS_DIR, "arc/arc_challenge.yaml"));
  expect(c.task).toBe("arc_challenge");
  expect(c.dataset_name).toBe("ARC-Challenge");
  expect(c.doc_to_text).toBe("Question: {{question}}\nAnswer:");
  expect(c.metric_list?.map((m) => m.metric)).toEqual(["acc", "acc_norm"]);
});

test("!function references resolve to registry keys by the file's folder", () => {
  expect(loadTaskConfig(join(SHIPPED_TASKS_DIR, "hellaswag/hellaswag.yaml")).process_docs).toBe("hellaswag/utils.process_docs");
  expect(loadTaskConfig(join(SHIPPED_TASKS_DIR, "truthfulqa/truthfulqa_mc2.yaml")).process_results).toBe("truthfulqa/utils.process_results_mc2");
});

test("a group file reads as a group with its task list", () => {
  const g = readTaskFile(join(SHIPPED_TASKS_DIR, "mmlu/_mmlu.yaml"));
  expect(g.kind).toBe("group");
  expect(g.kind === "group" && g.config.task).toEqual(["mmlu_stem", "mmlu_other", "mmlu_social_sciences", "mmlu_humanities"]);
});

test.each([
  ["unknown field", `${BASE}doc_to_txet: x\n`, /unknown\.yaml:7:1: unknown field "doc_to_txet"\. Hint: did you mean "doc_to_text"\?/],
  ["harness-only field", `${BASE}filter_list: []\n`, /unknown\.yaml:7:1: harness field "filter_list" is outside Lathe's subset\./],
  ["wrong value type", `${BASE}num_fewshot: five\n`, /unknown\.yaml:7:14 \(num_fewshot\): num_fewshot must be a non-negative integer, got "five"\./],
  ["unknown metric key", `${BASE}metric_list:\n  - metric: acc\n    agregation: mean\n`, /unknown\.yaml:8:3 \(metric_list\): unknown key "agregation" in metric_list\. Hint: did you mean "aggregation"\?/],
  ["bad regexes_to_ignore", `${BASE}metric_list:\n  - metric: exact_match\n    regexes_to_ignore: ["(unclosed"]\n`, /unknown\.yaml:8:3 \(metric_list\): regexes_to_ignore item "\(unclosed" is not a valid regular expression .*Hint: write the pattern in the syntax Python's re and JavaScript share/],
  ["unsupported output_type", BASE.replace("multiple_choice", "greedy_until"), /unknown\.yaml:2:14 \(output_type\): output_type "greedy_until" is not supported\./],
  ["missing field", "task: t\noutput_type: loglikelihood\ndoc_to_text: x\n", /unknown\.yaml:1:1 \(doc_to_target\): missing required field doc_to_target\./],
  ["unregistered function", `${BASE}process_docs: !function utils.nope\n`, /unknown\.yaml:7:25 \(process_docs\): no registered function for !function utils\.nope .*Hint: register one with registerProcessDocs\(\)/],
  ["YAML syntax error", "task: [unclosed\n", /unknown\.yaml:\d+:\d+: YAML syntax error/],
])("a task file with a %s is a located TaskError", (_, text, message) => {
  const p = file("unknown.yaml", text);
  expect(() => loadTaskConfig(p)).toThrow(message);
});

test("an empty task file is an error that says what a task needs", () => {
  const p = file("empty.yaml", "\n# nothing\n");
  expect(() => loadTaskConfig(p)).toThrow(`${p}: empty task file. Hint: a task file needs at least task, output_type, doc_to_text and doc_to_target (or include: of a file that has them)`);
});

test("an include cycle is an error naming the chain", () => {
  file("a.yaml", "include: b.yaml\ntask: a\n");
  file("b.yaml", "include: a.yaml\n");
  expect(() => loadTaskConfig(join(dir, "a.yaml"))).toThrow(/include cycle: a\.yaml → b\.yaml → a\.yaml/);
});

test("exact_match's regexes_to_ignore is read as a list of patterns", () => {
  const p = file("em.yaml", `${BASE.replace("multiple_choice", "generate_until")}metric_list:\n  - metric: exact_match\n    regexes_to_ignore: ["^\\\\s+|\\\\s+$"]\n`);
  expect(loadTaskConfig(p).metric_list).toEqual([{ metric: "exact_match", regexes_to_ignore: ["^\\s+|\\s+$"] }]);
});

test("loadTaskConfig refuses a group file and points at loadTask", () => {
  expect(() => loadTaskConfig(join(SHIPPED_TASKS_DIR, "mmlu/_mmlu.yaml"))).toThrow('"mmlu" is a group of tasks, not a task. Hint: load it with loadTask(), which loads its subtasks');
});
