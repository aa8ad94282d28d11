// Reading a trial's stage outputs: metrics.jsonl, summary.json, report.json, sample.txt.
import { afterAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseMetrics, readEvalDir, readSampleDir, readTrainDir } from "./read.ts";

const dir = mkdtempSync(join(tmpdir(), "lathe-trials-read-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("parseMetrics keeps step and eval lines with their numeric fields and skips lines without a step", () => {
  const text = ['{"step":1,"loss":5.7,"lr":0.001,"note":"x"}', "", '{"event":"resume"}', '{"step":10,"val_loss":4.7,"val_bpb":4.9}'].join("\n");
  expect(parseMetrics(text)).toEqual([
    { step: 1, loss: 5.7, lr: 0.001 },
    { step: 10, val_loss: 4.7, val_bpb: 4.9 },
  ]);
});

test("a line that is not JSON is an error naming the file and line", () => {
  expect(() => parseMetrics('{"step":1}\n{"step":2,', "out/metrics.jsonl")).toThrow(
    'out/metrics.jsonl:2: not a JSON object: "{\\"step\\":2,". Hint: the cache entry is damaged: delete it with lathe gc (or remove the file) and rebuild the trial',
  );
});

test("a train folder gives its summary and history; a folder without them gives an empty history", () => {
  const train = join(dir, "train");
  const empty = join(dir, "empty");
  for (const d of [train, empty]) mkdirSync(d, { recursive: true });
  writeFileSync(join(train, "summary.json"), JSON.stringify({ steps: 20, val_loss: 4.5 }));
  writeFileSync(join(train, "metrics.jsonl"), '{"step":20,"loss":4.4}\n');
  expect(readTrainDir(train)).toEqual({ summary: { steps: 20, val_loss: 4.5 }, history: [{ step: 20, loss: 4.4 }] });
  expect(readTrainDir(empty)).toEqual({ history: [] });
});

test("a summary that is not JSON is an error naming the file", () => {
  const bad = join(dir, "bad");
  mkdirSync(bad, { recursive: true });
  writeFileSync(join(bad, "summary.json"), "{");
  expect(() => readTrainDir(bad)).toThrow(`${join(bad, "summary.json")}: not valid JSON`);
});

test("the eval and sample folders give the report card and the sample text, or nothing", () => {
  const out = join(dir, "eval");
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, "report.json"), JSON.stringify({ recipe: "", columns: [], rows: [], notes: [] }));
  writeFileSync(join(out, "sample.txt"), "The end");
  expect(readEvalDir(out)).toEqual({ recipe: "", columns: [], rows: [], notes: [] });
  expect(readSampleDir(out)).toBe("The end");
  expect(readEvalDir(join(dir, "none"))).toBeUndefined();
  expect(readSampleDir(join(dir, "none"))).toBeUndefined();
});
