// chat_define and chat_define_em: questions about held-out words only, in the chat layout, the same questions in
// both tasks, deterministic, and their scores on hand-made model answers.
// Run: bun test packages/eval/src/builtin/chat-define.test.ts
import { exactMatch as answerMatch, dialoguePrompts, isHeldOutWord } from "@lathe/data";
import { beforeAll, describe, expect, test } from "bun:test";
import { exactMatch } from "../tasks/metrics.ts";
import { runTasks } from "../tasks/run.ts";
import { TableLM } from "../tasks/testing.ts";
import type { LoadedTask } from "../tasks/types.ts";
import { ANSWER_MATCH, chatDefine, chatDefineEm } from "./chat-define.ts";
import { resolveOptions } from "./task.ts";

const build = (def: typeof chatDefine, limit: number, seed = 1234) => def.build(resolveOptions(def.name, { heldOut: [], limit, seed }));
let mc: LoadedTask;
let em: LoadedTask;
beforeAll(() => {
  mc = build(chatDefine, 200);
  em = build(chatDefineEm, 200);
}, 60_000); // parses all of WordNet: a few seconds on a busy machine

describe("chat_define", () => {
  test("every question asks about a held-out word, rendered as a user turn ending with the generation prompt", () => {
    expect(mc.docs.length).toBe(200);
    for (const d of mc.docs) {
      expect(isHeldOutWord(d.word as string)).toBe(true);
      expect(d.context).toBe(`<|endoftext|><|user|>${dialoguePrompts.define(d.word as string)}<|end|><|assistant|>`);
    }
  });

  test("the definition is at label among 4 distinct choices, each closing the turn with <|end|>", () => {
    for (const d of mc.docs) {
      const choices = d.choices as string[];
      expect(new Set(choices).size).toBe(4);
      expect(choices.every((c) => c.endsWith("<|end|>"))).toBe(true);
      expect(choices[d.label as number]).toBe(`${d.answer as string}<|end|>`);
    }
  });

  test("it is a multiple-choice task on the context column, the answer right after <|assistant|>, chance 0.25", () => {
    expect(mc.config).toMatchObject({ output_type: "multiple_choice", doc_to_text: "context", doc_to_choice: "choices", doc_to_target: "label", target_delimiter: "", num_fewshot: 0 });
    expect(mc.config.metric_list!.map((m) => m.metric)).toEqual(["acc", "acc_norm"]);
    expect(mc.chance).toBe(0.25);
  });

  test("the same seed gives identical items, a smaller limit a prefix, another seed other words", () => {
    expect(JSON.stringify(build(chatDefine, 200).docs)).toBe(JSON.stringify(mc.docs));
    expect(JSON.stringify(build(chatDefine, 50).docs)).toBe(JSON.stringify(mc.docs.slice(0, 50)));
    expect(build(chatDefine, 50, 7).docs.map((d) => d.word)).not.toEqual(mc.docs.slice(0, 50).map((d) => d.word));
  });

  test("acc follows the highest-scoring whole answer, <|end|> included", async () => {
    const t = build(chatDefine, 2);
    const [d0, d1] = t.docs as Record<string, unknown>[];
    const choice = (d: Record<string, unknown>, i: number) => (d.choices as string[])[i]!;
    // doc 0: the definition scores best; doc 1: a distractor does.
    const lm = new TableLM({ [choice(d0!, d0!.label as number)]: -1, [choice(d1!, ((d1!.label as number) + 1) % 4)]: -1 }, { fallback: -50 });
    const r = await runTasks([t], lm, { seed: 1, bootstrapIters: 0 });
    expect(r.results.chat_define!["acc,none"]).toBe(0.5);
    expect(lm.seen.map((q) => q.context)).toEqual([...Array(4).fill(d0!.context), ...Array(4).fill(d1!.context)]);
  });
});

describe("chat_define_em", () => {
  test("it asks chat_define's questions and generates greedily up to the turn's end", () => {
    expect(em.docs.map((d) => [d.word, d.context, d.answer])).toEqual(mc.docs.map((d) => [d.word, d.context, d.answer]));
    expect(em.config).toMatchObject({ output_type: "generate_until", doc_to_text: "context", doc_to_target: "answer", generation_kwargs: { until: ["<|end|>", "<|endoftext|>"], max_gen_toks: 40, do_sample: false } });
    expect(em.config.metric_list).toEqual([{ metric: "exact_match", aggregation: "mean", higher_is_better: true, ...ANSWER_MATCH }]);
    expect(em.chance).toBeUndefined();
  });

  test("exact_match ignores case, punctuation and surrounding whitespace, nothing else", async () => {
    const t = build(chatDefineEm, 4);
    const answers = t.docs.map((d) => d.answer as string);
    const outs = [` ${answers[0]!.toUpperCase()}.\n`, answers[1]!, `${answers[2]!} and more`, answers[0]!];
    const lm = new TableLM({}, { generate: (q) => outs[t.docs.findIndex((d) => d.context === q.context)]! });
    const r = await runTasks([t], lm, { seed: 1, bootstrapIters: 0 });
    expect(r.results.chat_define_em!["exact_match,none"]).toBe(0.5);
  });

  test("its exact_match agrees with @lathe/data's exactMatch on every held-out definition and the usual answer variants", () => {
    const spec = { metric: "exact_match", ...ANSWER_MATCH };
    const answers = em.docs.map((d) => d.answer as string);
    for (const [i, a] of answers.entries()) {
      const variants = [a, a.toUpperCase(), `${a}.`, ` ${a}\n`, `${a[0]!.toUpperCase()}${a.slice(1)}.`, answers[(i + 1) % answers.length]!, a.split(" ").slice(0, -1).join(" ")];
      for (const v of variants) expect([v, exactMatch(v, a, spec)]).toEqual([v, answerMatch(v, a)]);
    }
  });
});
