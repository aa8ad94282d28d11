// runTasks on a hand-computable EvalLM: metric values and standard errors worked out by hand, the harness's
// results layout, MMLU's size-weighted groups, and a failing task that leaves the others' results.
// Run: bun test packages/eval/src/tasks
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { corpusBleu } from "../metrics/bleu.ts";
import { loadTaskConfig } from "./config.ts";
import { loadTask, SHIPPED_TASKS_DIR, shippedTaskNames } from "./load.ts";
import { resultsJson, samplesJsonl } from "./results.ts";
import { runTasks } from "./run.ts";
import { DATA, FIXTURES, TableLM } from "./testing.ts";

const ln = Math.log;
const load = (name: string) => loadTask(name, { root: FIXTURES, dataFiles: DATA[name] });

test("acc and acc_norm follow argmax of log-likelihood and of log-likelihood per character", async () => {
  // doc 0 gold " the Sun": max ll and max ll/len → 1, 1. doc 1 gold sunlight: " sand" wins both → 0, 0.
  // doc 2 gold solid: " gas" has the max ll (acc 0); per character solid -2.6/5 beats liquid -3.5/6 and gas -2/3 (acc_norm 1).
  const lm = new TableLM({ " a rock": -3, " the Sun": -2, " a shadow": -2.5, " sunlight": -4, " sand": -1, " plastic": -5, " noise": -3, " gas": -2, " liquid": -3.5, " solid": -2.6, " plasma": -9 });
  const r = await runTasks([await load("arc_easy")], lm, { seed: 1234 });
  expect(r.results.arc_easy).toEqual({ alias: "arc_easy", "acc,none": 1 / 3, "acc_stderr,none": expect.closeTo(1 / 3, 12), "acc_norm,none": 2 / 3, "acc_norm_stderr,none": expect.closeTo(1 / 3, 12) });
});

test("truthfulqa mc1 is acc on mc1_targets and mc2 the normalized mass of the true answers", async () => {
  const lm = new TableLM({ " Blue.": ln(0.5), " It is blue.": ln(0.3), " Green.": ln(0.1), " Red.": ln(0.1), " No, pigs cannot fly.": ln(0.2), " Yes, pigs can fly.": ln(0.6), " Pigs fly at night.": ln(0.2) });
  const r = await runTasks([await load("truthfulqa_mc1"), await load("truthfulqa_mc2")], lm, { seed: 1 });
  // mc1: [1, 0]; mc2: [0.8 / 1.0, 0.2 / 1.0]
  expect(r.results.truthfulqa_mc1).toMatchObject({ "acc,none": 0.5, "acc_stderr,none": expect.closeTo(0.5, 12) });
  expect(r.results.truthfulqa_mc2!["acc,none"]).toBeCloseTo(0.5, 12);
  expect(r.results.truthfulqa_mc2!["acc_stderr,none"]).toBeCloseTo(0.3, 12); // stdev(0.8, 0.2) = 0.4243 / sqrt 2
});

test("lambada perplexity is exp(-mean ll) with a bootstrap stderr, acc the greedy rate", async () => {
  const lm = new TableLM({ " there": -1, " morning": -2, " board": -3 }, { greedy: new Set([" there", " board"]) });
  const r = await runTasks([await load("lambada_openai")], lm, { seed: 1, bootstrapIters: 1000 });
  expect(r.results.lambada_openai).toEqual({
    alias: "lambada_openai",
    "perplexity,none": Math.exp(2),
    "perplexity_stderr,none": expect.closeTo(3.8995878971948685, 9), // the harness's bootstrap_stderr, run in Python
    "acc,none": 2 / 3,
    "acc_stderr,none": expect.closeTo(1 / 3, 12),
  });
});

test("rolling tasks weigh perplexity by words and bytes", async () => {
  const lm = new TableLM({}, { rolling: (t) => (t === "a b c" ? -6 : -4) });
  const r = await runTasks([await loadTask(join(FIXTURES, "text_rolling.yaml"), { root: FIXTURES })], lm, { seed: 1, bootstrapIters: 0 });
  // words 3 + 2, bytes 5 + 11, ll -10
  expect(r.results.text_rolling).toEqual({
    alias: "text_rolling",
    "word_perplexity,none": Math.exp(10 / 5), "word_perplexity_stderr,none": "N/A",
    "byte_perplexity,none": Math.exp(10 / 16), "byte_perplexity_stderr,none": "N/A",
    "bits_per_byte,none": 10 / 16 / Math.LN2, "bits_per_byte_stderr,none": "N/A",
  });
});

test("exact_match ignores case and punctuation when asked; bleu is the corpus score", async () => {
  const outs: Record<string, string> = { "Q: Capital of France?\nA:": " paris.", "Q: Two plus two?\nA:": "Four!", "Q: Color of grass?\nA:": "blue" };
  const lm = new TableLM({}, { generate: (q) => outs[q.context]! });
  const r = await runTasks([await loadTask(join(FIXTURES, "qa_gen.yaml"), { root: FIXTURES })], lm, { seed: 1, bootstrapIters: 0 });
  // " paris." keeps its leading space, so only "Four!" matches "four".
  expect(r.results.qa_gen!["exact_match,none"]).toBeCloseTo(1 / 3, 12);
  expect(r.results.qa_gen!["bleu,none"]).toBe(corpusBleu([" paris.", "Four!", "blue"], [["Paris", "four", "green"]]).score);
});

test("the results JSON has the harness's layout", async () => {
  const lm = new TableLM({ " Twist the lid, counterclockwise.": -1, " Store it in a sealed bag.": -1 });
  const task = await loadTask("piqa", { root: FIXTURES, dataFiles: DATA.piqa, limit: 2 });
  const r = await runTasks([task], lm, { seed: 1234, bootstrapIters: 10 });
  expect(Object.keys(resultsJson(r)).sort()).toEqual(["config", "configs", "group_subtasks", "higher_is_better", "n-samples", "n-shot", "results", "versions"]);
  expect(r.results.piqa).toEqual({ alias: "piqa", "acc,none": 1, "acc_stderr,none": 0, "acc_norm,none": 1, "acc_norm_stderr,none": 0 });
  expect(r.versions).toEqual({ piqa: 1 });
  expect(r["n-shot"]).toEqual({ piqa: 0 });
  expect(r["n-samples"]).toEqual({ piqa: { original: 3, effective: 2 } });
  expect(r.higher_is_better).toEqual({ piqa: { acc: true, acc_norm: true } });
  expect(r.configs.piqa!.doc_to_choice).toBe("{{[sol1, sol2]}}");
  expect(r.config).toEqual({ model: "table-lm", num_fewshot: null, limit: null, bootstrap_iters: 10, fewshot_seed: 1234 });
  const first = JSON.parse(samplesJsonl(r, "piqa").split("\n")[0]!);
  expect(first).toMatchObject({ doc_id: 0, target: 0, arguments: [["Question: How do I open a jar?\nAnswer:", " Twist the lid, counterclockwise."], ["Question: How do I open a jar?\nAnswer:", " Hit the jar with a hammer."]], resps: [[-1, false], [-10, false]], metrics: { acc: 1, acc_norm: 1 } });
});

test("a task that throws is recorded as failed and the other tasks keep their results", async () => {
  const lm = new TableLM({ " A": -1 }, { failOn: "Question: Which of these is a source of light?" });
  const r = await runTasks([await load("arc_easy"), await load("mmlu_anatomy")], lm, { seed: 1, bootstrapIters: 0 });
  expect(r.failed).toEqual({ arc_easy: { error: 'TableLM: refused context containing "Question: Which of these is a source of light?"' } });
  expect(r.results.mmlu_anatomy!["acc,none"]).toBeCloseTo(1 / 3, 12); // always "A"; one of three answers is A
  expect(r.results.arc_easy).toBeUndefined();
});

const dir = mkdtempSync(join(tmpdir(), "lathe-task-run-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("mmlu aggregates its 57 subjects by size into 4 categories and the whole, 0- and 5-shot", async () => {
  // cais/mmlu's "all" layout: every subject in one file. STEM subjects: answers A, B (acc 0.5); others: A, A (acc 1).
  const all = shippedTaskNames().filter((n) => n.startsWith("mmlu_") && !["mmlu_stem", "mmlu_other", "mmlu_social_sciences", "mmlu_humanities"].includes(n)).map((n) => n.slice(5));
  const stem = all.filter((s) => loadTaskConfig(join(SHIPPED_TASKS_DIR, `mmlu/mmlu_${s}.yaml`)).tag === "mmlu_stem_tasks");
  expect(stem).toHaveLength(19);
  const row = (s: string, q: string, answer: number) => JSON.stringify({ question: q, subject: s, choices: ["w", "x", "y", "z"], answer });
  writeFileSync(join(dir, "test.jsonl"), all.flatMap((s) => [row(s, `${s} q1`, 0), row(s, `${s} q2`, stem.includes(s) ? 1 : 0)]).join("\n"));
  writeFileSync(join(dir, "dev.jsonl"), all.flatMap((s) => [0, 1, 2, 3, 4].map((i) => row(s, `${s} dev${i}`, i % 4))).join("\n"));
  const mmlu = await loadTask("mmlu", { root: dir, dataFiles: { test: "test.jsonl", dev: "dev.jsonl" } });
  const lm = new TableLM({ " A": -1 }, { fallback: -2 });
  for (const shots of [0, 5]) {
    const r = await runTasks([mmlu], lm, { seed: 1234, numFewshot: shots });
    expect(Object.keys(r.groups!).sort()).toEqual(["mmlu", "mmlu_humanities", "mmlu_other", "mmlu_social_sciences", "mmlu_stem"]);
    expect(r.groups!.mmlu_stem).toEqual({ alias: "stem", "acc,none": 0.5, "acc_stderr,none": expect.closeTo(Math.sqrt(0.5 / 38), 12) });
    expect(r.groups!.mmlu).toEqual({ alias: "mmlu", "acc,none": 95 / 114, "acc_stderr,none": expect.closeTo(Math.sqrt(9.5 / 57 / 114), 12) });
    expect(r.results.mmlu_anatomy!.alias).toBe("anatomy");
    expect(r.group_subtasks.mmlu).toEqual(["mmlu_stem", "mmlu_other", "mmlu_social_sciences", "mmlu_humanities"]);
    expect(r["n-shot"].mmlu).toBe(shots);
    expect(r.versions.mmlu).toBe(2);
    expect(Object.keys(r["n-samples"])).toHaveLength(57);
  }
  const fiveShot = lm.seen.at(-1)!.context;
  expect(fiveShot.startsWith("The following are multiple choice questions (with answers) about world religions.\n\nworld_religions dev0\nA. w\nB. x\nC. y\nD. z\nAnswer: A\n\n")).toBe(true);
});
