// Few-shot sampling: seeded and deterministic, Python-random-exact, the document itself never its own example.
// Run: bun test packages/eval/src/tasks
import { expect, test } from "bun:test";
import { FewshotSampler } from "./fewshot.ts";
import { loadTask } from "./load.ts";
import { DATA, FIXTURES } from "./testing.ts";
import type { LoadedTask } from "./types.ts";

const draws = (task: LoadedTask, seed: number, n: number) => {
  const s = new FewshotSampler(task, seed);
  return task.docs.map((d) => s.sample(n, d));
};

test("the same seed draws the same examples, doc after doc", async () => {
  const task = await loadTask("arc_easy", { root: FIXTURES, dataFiles: DATA.arc_easy });
  expect(draws(task, 1234, 2)).toEqual(draws(task, 1234, 2));
  // Python: r = random.Random(1234); [r.sample(range(3), 2) for _ in range(3)]
  expect(draws(task, 1234, 2)).toEqual([[1, 0], [0, 2], [2, 0]]);
  expect(draws(task, 7, 2)).not.toEqual(draws(task, 1234, 2));
});

test("sampling from the scored split draws one extra and drops the document itself", async () => {
  const base = await loadTask("arc_easy", { root: FIXTURES, dataFiles: DATA.arc_easy });
  const task: LoadedTask = { ...base, config: { ...base.config, fewshot_split: "test" }, fewshotDocs: base.docs };
  const s = new FewshotSampler(task, 1234);
  expect(s.excludesEvalDoc).toBe(true);
  for (let i = 0; i < task.docs.length; i++) {
    const picked = s.sample(2, task.docs[i]!);
    expect(picked).toHaveLength(2);
    expect(picked).not.toContain(i);
  }
});

test("first_n takes the few-shot split's first documents in order", async () => {
  const task = await loadTask("mmlu_anatomy", { root: FIXTURES, dataFiles: DATA.mmlu_anatomy });
  expect(draws(task, 1, 5)).toEqual([[0, 1, 2, 3, 4], [0, 1, 2, 3, 4], [0, 1, 2, 3, 4]]);
});

test("asking for more examples than the few-shot split has is a TaskError", async () => {
  const task = await loadTask("arc_easy", { root: FIXTURES, dataFiles: DATA.arc_easy });
  expect(() => new FewshotSampler(task, 1).sample(4, task.docs[0]!)).toThrow(/\(num_fewshot\): num_fewshot 4 but the few-shot split has 3 document\(s\) to draw from\. Hint: lower num_fewshot/);
});
