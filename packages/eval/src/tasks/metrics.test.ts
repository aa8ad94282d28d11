// The metric registry on hand cases: exact_match's regexes_to_ignore, contains_any over list targets, the
// token-weighted loss, and a registered metric scoring generations through runTasks.
// Run: bun test packages/eval/src/tasks/metrics.test.ts
import { expect, test } from "bun:test";
import type { EvalLM, LoglikelihoodRequest } from "../lm/types.ts";
import { containsWords, exactMatch, metricInfo, registerMetric } from "./metrics.ts";
import { runTasks } from "./run.ts";
import { TableLM } from "./testing.ts";
import type { Doc, LoadedTask, MetricSpec, TaskConfig } from "./types.ts";

const task = (config: Omit<TaskConfig, "doc_to_text"> & { doc_to_text?: string }, docs: Doc[]): LoadedTask => ({ config: { doc_to_text: "q", ...config }, source: "test", docs, fewshotDocs: [] });

test.each([
  ["  A tree. ", "a tree", { ignore_case: true, ignore_punctuation: true, regexes_to_ignore: ["^\\s+|\\s+$"] }, 1],
  ["a tree .", "a tree", { ignore_case: true, ignore_punctuation: true, regexes_to_ignore: ["^\\s+|\\s+$"] }, 0],
  [" a tree", "a tree", { ignore_case: true, ignore_punctuation: true }, 0],
  ["a-b c", "ab  c", { regexes_to_ignore: ["-", " "] }, 1],
] as [string, string, Omit<MetricSpec, "metric">, number][])("exact_match(%j, %j, %j) is %d", (pred, gold, opts, want) => {
  expect(exactMatch(pred, gold, { metric: "exact_match", ...opts })).toBe(want);
});

test.each([
  ["I would say big.", "big", {}, true],
  ["bigger", "big", {}, false], // whole words only
  ["Big Apple", "big apple", { ignore_case: true }, true],
  ["big apple", "apple big", {}, false], // the reference's words in order
  ["well-known", "well known", {}, true], // words split at non-letters
  ["anything", "", {}, false],
] as [string, string, Omit<MetricSpec, "metric">, boolean][])("containsWords(%j, %j, %j) is %p", (pred, ref, opts, want) => {
  expect(containsWords(pred, ref, { metric: "contains_any", ...opts })).toBe(want);
});

test("contains_any scores 1 when any reference of a list target occurs in the generation, averaged", async () => {
  const docs = [
    { q: "a", refs: ["large", "big"] },
    { q: "b", refs: ["small"] },
    { q: "c", refs: ["fast", "quick"] },
  ];
  const outs: Record<string, string> = { a: "Big.", b: "tiny", c: "quick, I think" };
  const lm = new TableLM({}, { generate: (r) => outs[r.context]! });
  const t = task({ task: "syn", output_type: "generate_until", doc_to_target: "refs", metric_list: [{ metric: "contains_any", ignore_case: true }] }, docs);
  const r = await runTasks([t], lm, { seed: 1, bootstrapIters: 0 });
  expect(r.results.syn!["contains_any,none"]).toBeCloseTo(2 / 3, 12);
  expect(r.higher_is_better.syn).toEqual({ contains_any: true });
});

/** log-likelihood −(tokens) · per-token nll of each continuation, one token per character. */
class PerTokenLM implements EvalLM {
  readonly name = "per-token";
  constructor(readonly nll: Readonly<Record<string, number>>) {}
  async loglikelihood(reqs: readonly LoglikelihoodRequest[]) {
    return reqs.map((r) => ({ logprob: -this.nll[r.continuation]! * r.continuation.length, isGreedy: false, tokens: r.continuation.length }));
  }
  async loglikelihoodRolling() {
    return [];
  }
  async generateUntil() {
    return [];
  }
}

test("loss is the token-weighted mean nll: Σ nll / Σ tokens, not the mean of per-document means", async () => {
  // 2 tokens at 1 nat and 6 tokens at 3 nats: (2 + 18) / 8 = 2.5 (the per-document mean would be 2).
  const lm = new PerTokenLM({ ab: 1, cdefgh: 3 });
  const t = task({ task: "conv", output_type: "loglikelihood", doc_to_target: "a", metric_list: [{ metric: "loss" }] }, [{ q: "x", a: "ab" }, { q: "y", a: "cdefgh" }]);
  const r = await runTasks([t], lm, { seed: 1, bootstrapIters: 1000 });
  expect(r.results.conv!["loss,none"]).toBe(2.5);
  expect(r.results.conv!["loss_stderr,none"]).toBeGreaterThan(0); // bootstrapped
  expect(r.higher_is_better.conv).toEqual({ loss: false });
  expect(metricInfo("loss")).toEqual({ outputTypes: ["loglikelihood"], aggregation: "weighted_mean", higherIsBetter: false });
});

test("a registered metric scores generations against the references; a taken name is refused", async () => {
  registerMetric("test_length_match", { outputTypes: ["generate_until"], aggregation: "mean", higherIsBetter: true, score: (p, refs) => (refs.some((g) => g.length === p.length) ? 1 : 0) });
  const lm = new TableLM({}, { generate: (r) => (r.context === "a" ? "xyz" : "x") });
  const t = task({ task: "len", output_type: "generate_until", doc_to_target: "t", metric_list: [{ metric: "test_length_match" }] }, [{ q: "a", t: "abc" }, { q: "b", t: "ab" }]);
  const r = await runTasks([t], lm, { seed: 1, bootstrapIters: 0 });
  expect(r.results.len!["test_length_match,none"]).toBe(0.5);
  expect(() => registerMetric("exact_match", { outputTypes: ["generate_until"], aggregation: "mean", higherIsBetter: true })).toThrow('metric "exact_match" is already registered; register yours under another name');
});
