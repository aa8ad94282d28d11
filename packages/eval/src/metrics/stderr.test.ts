// Standard errors against the harness's formulas (values from its Python code). Run: bun test packages/eval/src/metrics/stderr.test.ts
import { expect, test } from "bun:test";
import { AGGREGATIONS, aggregateStderr, aggregateSubtaskMetrics } from "./aggregate.ts";
import { bootstrapStderr, meanStderr, pooledSampleStderr, sampleStddev } from "./stderr.ts";

const ppl = (xs: readonly number[]) => Math.exp(-xs.reduce((a, b) => a + b, 0) / xs.length);

test("mean_stderr is the sample stdev over sqrt(n)", () => {
  expect(sampleStddev([1, 0, 0])).toBeCloseTo(Math.sqrt(1 / 3), 12);
  expect(meanStderr([1, 0, 0])).toBeCloseTo(1 / 3, 12);
});

test.each([
  [1000, 3.8995878971948685],
  [2500, 3.92720097019999], // floor(2500 / 1000) chunks of 1000, as the harness
])("bootstrap_stderr of perplexity over %i resamples equals the harness's", (iters, expected) => {
  expect(bootstrapStderr(ppl, [-1, -2, -3], iters)).toBeCloseTo(expected, 9);
});

test("bleu and chrf bootstrap at most 100 resamples; one item has no stderr", () => {
  const items = [[["a b c"], "a b c"], [["d e f"], "d e x"]] as const;
  expect(aggregateStderr(AGGREGATIONS.bleu!, items, 100000, "bleu")).toBe(aggregateStderr(AGGREGATIONS.bleu!, items, 100, "bleu"));
  expect(aggregateStderr(AGGREGATIONS.mean!, [1], 1000, "acc")).toBe("N/A");
  expect(aggregateStderr(AGGREGATIONS.mean!, [1, 0], 0, "acc")).toBe("N/A");
});

test("groups weigh subtask scores by size and pool their stderrs", () => {
  expect(aggregateSubtaskMetrics([0.5, 1], [2, 6])).toBe(0.875);
  expect(aggregateSubtaskMetrics([0.5, 1], [2, 6], false)).toBe(0.75);
  // ((2-1)·0.5²·2 + (6-1)·0.1²·6) / (8 - 2) / 8
  expect(pooledSampleStderr([0.5, 0.1], [2, 6])).toBeCloseTo(Math.sqrt((0.5 + 0.3) / 6 / 8), 12);
});
