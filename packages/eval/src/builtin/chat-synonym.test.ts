// chat_synonym: synonym questions about held-out words only, in the chat layout, deterministic, and synonym_reward
// (rewardNamesLemma, averaged) on hand-made answers.
// Run: bun test packages/eval/src/builtin/chat-synonym.test.ts
import { dialoguePrompts, isHeldOutWord } from "@lathe/data";
import { beforeAll, describe, expect, test } from "bun:test";
import { metricInfo } from "../tasks/metrics.ts";
import { runTasks } from "../tasks/run.ts";
import { TableLM } from "../tasks/testing.ts";
import type { LoadedTask } from "../tasks/types.ts";
import { chatSynonym } from "./chat-synonym.ts";
import { resolveOptions } from "./task.ts";

const build = (limit: number, seed = 1234) => chatSynonym.build(resolveOptions("chat_synonym", { heldOut: [], limit, seed }));
let t: LoadedTask;
beforeAll(() => {
  t = build(200);
}, 60_000); // parses all of WordNet: a few seconds on a busy machine

describe("chat_synonym", () => {
  test("every question asks for a synonym of a held-out word, rendered as a user turn ending with the generation prompt", () => {
    expect(t.docs.length).toBe(200);
    for (const d of t.docs) {
      expect(isHeldOutWord(d.word as string)).toBe(true);
      expect(d.context).toBe(`<|endoftext|><|user|>${dialoguePrompts.synonym(d.word as string)}<|end|><|assistant|>`);
    }
  });

  test("each item's target is the word's synonyms: a non-empty list without the word itself", () => {
    for (const d of t.docs) {
      const answers = d.answers as string[];
      expect(answers.length).toBeGreaterThan(0);
      expect(answers).not.toContain(d.word as string);
    }
    expect(t.config).toMatchObject({ output_type: "generate_until", doc_to_text: "context", doc_to_target: "answers", generation_kwargs: { until: ["<|end|>", "<|endoftext|>"], max_gen_toks: 16, do_sample: false } });
    expect(t.config.metric_list).toEqual([{ metric: "synonym_reward", aggregation: "mean", higher_is_better: true }]);
    expect(t.chance).toBeUndefined();
  });

  test("the same seed gives identical items, a smaller limit a prefix, another seed other words", () => {
    expect(JSON.stringify(build(200).docs)).toBe(JSON.stringify(t.docs));
    expect(JSON.stringify(build(50).docs)).toBe(JSON.stringify(t.docs.slice(0, 50)));
    expect(build(50, 7).docs.map((d) => d.word)).not.toEqual(t.docs.slice(0, 50).map((d) => d.word));
  });
});

describe("synonym_reward", () => {
  test.each([
    ["Rattled.", ["flustered", "rattled"], 1],
    ["I would say flustered", ["flustered", "rattled"], 1],
    ["flusteredly", ["flustered", "rattled"], 0],
    ["perturbed", ["flustered", "rattled"], 0],
    ["", ["flustered"], 0],
  ] as [string, string[], number][])("the answer %j to synonyms %j is rewarded %d", (answer, synonyms, want) => {
    expect(metricInfo("synonym_reward")!.score!(answer, synonyms, { metric: "synonym_reward" })).toBe(want);
  });

  test("the task's score is the mean reward over its items", async () => {
    const small = build(3);
    const syn = small.docs.map((d) => d.answers as string[]);
    const outs = [`${syn[0]![0]!.toUpperCase()}.`, "no idea", `Maybe ${syn[2]!.at(-1)!}`];
    const lm = new TableLM({}, { generate: (q) => outs[small.docs.findIndex((d) => d.context === q.context)]! });
    const r = await runTasks([small], lm, { seed: 1, bootstrapIters: 1000 });
    expect(r.results.chat_synonym).toEqual({ alias: "chat_synonym", "synonym_reward,none": 2 / 3, "synonym_reward_stderr,none": expect.closeTo(1 / 3, 12) }); // stdev(1, 0, 1) / √3
    expect(r.higher_is_better.chat_synonym).toEqual({ synonym_reward: true });
  });
});
