// Quantiles as numpy.percentile (linear), and the number format of decision reasons.
// Run: bun test packages/model/src/sweep
import { expect, test } from "bun:test";
import { fmt, median, quantile } from "./stats.ts";

// Expected values from numpy.quantile(values, q) (method "linear").
test.each([
  [[1, 2, 3, 4], 0.25, 1.75],
  [[4, 3, 2, 1], 0.5, 2.5],
  [[3, 1, 2], 1 / 3, 5 / 3],
  [[5], 0.3, 5],
  [[1, 2], 1, 2],
  [[1, Infinity], 0.5, Infinity],
  [[1, Infinity], 0, 1],
  [[Infinity, Infinity], 0.5, Infinity],
])("the quantile of %p at %p is %p", (values, q, want) => {
  expect(quantile(values, q)).toBeCloseTo(want, 12);
});

test("the quantile of no values is NaN, and the input is not reordered", () => {
  expect(quantile([], 0.5)).toBeNaN();
  const v = [3, 1, 2];
  expect(median(v)).toBe(2);
  expect(v).toEqual([3, 1, 2]);
});

test.each([
  [3.91, "3.91"],
  [3.7400001, "3.74"],
  [1800, "1800"],
  [0.56666, "0.5667"],
  [123456, "123500"],
  [Number.NaN, "NaN"],
  [-Infinity, "-Infinity"],
])("formats %p as %p", (v, s) => {
  expect(fmt(v)).toBe(s);
});
