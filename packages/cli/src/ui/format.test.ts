// Text formatters: durations, counts, bytes, metric values, sparklines.
import { expect, test } from "bun:test";
import { formatBytes, formatCount, formatDuration, formatMetric, plural, sparkline } from "./format.ts";

test.each([
  [0, "0ms"],
  [850, "850ms"],
  [1234, "1.2s"],
  [59_949, "59.9s"],
  [245_000, "4m05s"],
  [7_380_000, "2h03m"],
  [-1, "?"],
])("duration %d ms reads %s", (ms, text) => {
  expect(formatDuration(ms)).toBe(text);
});

test.each([
  [950, "950"],
  [12.25, "12.3"],
  [0.004567, "0.0046"],
  [12_345, "12.3k"],
  [4_500_000, "4.5M"],
  [2.5e9, "2.5G"],
])("count %d reads %s", (n, text) => {
  expect(formatCount(n)).toBe(text);
});

test.each([
  [512, "512B"],
  [1536, "1.5KiB"],
  [3.5 * 1024 ** 3, "3.5GiB"],
])("%d bytes read %s", (n, text) => {
  expect(formatBytes(n)).toBe(text);
});

test.each([
  [3.14159, "3.142"],
  [0.000123, "0.000123"],
  [0.00001234, "1.23e-5"],
  [12345678.5, "1.23e+7"],
  [1_700_000, "1.7M"],
  [0, "0"],
])("metric %d reads %s", (v, text) => {
  expect(formatMetric(v)).toBe(text);
});

test("a sparkline scales the last values to their own range, lowest ▁ to highest █", () => {
  expect(sparkline([9, 9, 0, 7, 1, 4], 4)).toBe("▁█▂▅");
  expect(sparkline([2, 2, 2], 10)).toBe("▄▄▄");
  expect(sparkline([], 10)).toBe("");
});

test("plural picks the word form by count", () => {
  expect(plural(1, "entry", "entries")).toBe("1 entry");
  expect(plural(0, "blob")).toBe("0 blobs");
});
