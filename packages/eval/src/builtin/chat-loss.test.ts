// chat_loss: held-out conversations split at the assistant's turn exactly as renderChat lays them out, deterministic,
// and the loss as Σ nll / Σ tokens over the assistant tokens.
// Run: bun test packages/eval/src/builtin/chat-loss.test.ts
import { isHeldOutWord, wordnetDialogue } from "@lathe/data";
import { renderChatText } from "@lathe/tokenizer";
import { beforeAll, describe, expect, test } from "bun:test";
import type { EvalLM, LoglikelihoodRequest } from "../lm/types.ts";
import { runTasks } from "../tasks/run.ts";
import type { LoadedTask } from "../tasks/types.ts";
import { chatLoss } from "./chat-loss.ts";
import { resolveOptions } from "./task.ts";

const build = (limit: number, seed = 1234) => chatLoss.build(resolveOptions("chat_loss", { heldOut: [], limit, seed }));
let t: LoadedTask;
beforeAll(() => {
  t = build(200);
}, 60_000); // parses all of WordNet: a few seconds on a busy machine

describe("chat_loss", () => {
  test("each item is a held-out conversation split after <|assistant|>: context + continuation is its rendering", () => {
    const convs = wordnetDialogue({ task: "sft", split: "heldout", limit: 200, seed: 1234 });
    expect(t.docs.length).toBe(200);
    t.docs.forEach((d, i) => {
      expect(isHeldOutWord(d.word as string)).toBe(true);
      expect(d.context as string).toEndWith("<|end|><|assistant|>");
      expect(d.continuation as string).toEndWith("<|end|>");
      expect(`${d.context as string}${d.continuation as string}`).toBe(renderChatText(convs[i]!.messages));
    });
  });

  test("it is a loglikelihood task scored by loss, lower is better", () => {
    expect(t.config).toMatchObject({ output_type: "loglikelihood", doc_to_text: "context", doc_to_target: "continuation", num_fewshot: 0 });
    expect(t.config.metric_list).toEqual([{ metric: "loss", aggregation: "weighted_mean", higher_is_better: false }]);
    expect(t.chance).toBeUndefined();
  });

  test("the same seed gives identical items, a smaller limit a prefix, another seed other words", () => {
    expect(JSON.stringify(build(200).docs)).toBe(JSON.stringify(t.docs));
    expect(JSON.stringify(build(50).docs)).toBe(JSON.stringify(t.docs.slice(0, 50)));
    expect(build(50, 7).docs.map((d) => d.word)).not.toEqual(t.docs.slice(0, 50).map((d) => d.word));
  });

  test("loss is the nll per assistant token over all conversations (Σ nll / Σ tokens)", async () => {
    // Conversation k costs k + 1 nats per token, one token per character of the continuation.
    const small = build(3);
    const conts = small.docs.map((d) => d.continuation as string);
    const lm: EvalLM = {
      name: "per-token",
      loglikelihood: async (reqs: readonly LoglikelihoodRequest[]) => reqs.map((r) => ({ logprob: -(conts.indexOf(r.continuation) + 1) * r.continuation.length, isGreedy: false, tokens: r.continuation.length })),
      loglikelihoodRolling: async () => [],
      generateUntil: async () => [],
    };
    const r = await runTasks([small], lm, { seed: 1, bootstrapIters: 0 });
    const want = conts.reduce((s, c, k) => s + (k + 1) * c.length, 0) / conts.reduce((s, c) => s + c.length, 0);
    expect(r.results.chat_loss!["loss,none"]).toBeCloseTo(want, 12);
    expect(r.higher_is_better.chat_loss).toEqual({ loss: false });
  });
});
