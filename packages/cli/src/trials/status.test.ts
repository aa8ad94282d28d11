// A trial's status from its train output and the newest build run that tried its key.
import { afterAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lastRunRecords, trialStatus, type RunRecord } from "./status.ts";

test.each<[string, Parameters<typeof trialStatus>, ReturnType<typeof trialStatus>]>([
  ["a built trial that ran its steps is done", [{ stopped_by: "steps" }, true, undefined], { status: "done" }],
  ["a built trial stopped by its time budget is done", [{ stopped_by: "time_budget" }, true, undefined], { status: "done" }],
  ["a built trial without a summary is done", [undefined, true, undefined], { status: "done" }],
  ["a built trial an early-stopping rule ended is stopped early", [{ stopped_by: "asha" }, true, undefined], { status: "stopped early", detail: "stopped by asha" }],
  ["an unbuilt trial whose last build failed is failed, with the error", [undefined, false, { status: "failed", durationMs: 5, error: "NaN loss" }], { status: "failed", detail: "NaN loss" }],
  ["an unbuilt trial skipped by early stopping is stopped early", [undefined, false, { status: "skipped", durationMs: 0, reason: "early stopping (asha)" }], { status: "stopped early", detail: "early stopping (asha)" }],
  ["an unbuilt trial skipped for another reason is not built", [undefined, false, { status: "skipped", durationMs: 0, reason: "upstream failed" }], { status: "not built" }],
  ["an unbuilt trial never tried is not built", [undefined, false, undefined], { status: "not built" }],
])("%s", (_, args, expected) => {
  expect(trialStatus(...args)).toEqual(expected);
});

const cache = mkdtempSync(join(tmpdir(), "lathe-trials-status-"));
afterAll(() => rmSync(cache, { recursive: true, force: true }));

test("the newest run that tried a key gives its record; runs are read newest first", () => {
  mkdirSync(join(cache, "runs"));
  const run = (stages: object[]) => JSON.stringify({ ok: false, durationMs: 1, stages });
  const stage = (key: string, status: string, extra: object = {}) => ({ id: "t/train", kind: "model.train", key, status, durationMs: 7, ...extra });
  writeFileSync(join(cache, "runs", "2026-01-01T00-00-00-000Z-1.json"), run([stage("a", "failed", { error: "old" }), stage("b", "done")]));
  writeFileSync(join(cache, "runs", "2026-01-02T00-00-00-000Z-1.json"), run([stage("a", "failed", { error: "new" })]));
  writeFileSync(join(cache, "runs", "2026-01-03T00-00-00-000Z-1.json"), "{ partly written");
  const records = lastRunRecords(cache, new Set(["a", "b", "c"]));
  expect(Object.fromEntries(records)).toEqual({
    a: { status: "failed", durationMs: 7, error: "new" },
    b: { status: "done", durationMs: 7 },
  } satisfies Record<string, RunRecord>);
});

test("a cache without runs has no records", () => {
  expect(lastRunRecords(join(cache, "nowhere"), new Set(["a"])).size).toBe(0);
});
