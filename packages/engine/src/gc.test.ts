// gc keeps referenced entries (and their blobs) and evicts the rest; status and stageOutput read the store.
import { afterAll, beforeEach, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "./build.ts";
import { gc } from "./gc.ts";
import { status, stageOutput } from "./status.ts";
import { stage } from "./test-fixtures.ts";
import type { BuildSummary } from "./types.ts";

const root = mkdtempSync(join(tmpdir(), "lathe-gc-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
let cacheDir = "";
beforeEach(() => {
  cacheDir = join(root, `cache-${n++}`);
});

/** Three independent entries with distinct 1-4 byte outputs; returns key per id. */
async function three(): Promise<Record<string, string>> {
  const s: BuildSummary = await build([stage("a", { params: { text: "a" } }), stage("b", { params: { text: "bb" } }), stage("c", { params: { text: "cccc" } })], { cacheDir, root });
  return Object.fromEntries(s.stages.map((x) => [x.id, x.key]));
}

function setLastUsed(key: string, msAgo: number): void {
  const t = new Date(Date.now() - msAgo);
  utimesSync(join(cacheDir, "stages", key, "manifest.json"), t, t);
}

test("gc keeps the referenced entries and their blobs and removes the others", async () => {
  const k = await three();
  const report = await gc({ cacheDir, keep: [k.a!, k.c!] });
  expect(report.removedKeys).toEqual([k.b!]);
  expect(report.removedBlobs).toBe(1);
  expect(report.freedBytes).toBe(2);
  expect(report.keptKeys).toBe(2);
  expect(report.sizeBytes).toBe(5);
  expect(stageOutput(cacheDir, k.a!)).not.toBeNull();
  expect(stageOutput(cacheDir, k.b!)).toBeNull();
  expect(existsSync(join(stageOutput(cacheDir, k.c!)!, "out.txt"))).toBe(true);
  const again = await build([stage("a", { params: { text: "a" } }), stage("b", { params: { text: "bb" } })], { cacheDir, root });
  expect(again.stages.map((s) => s.status)).toEqual(["cached", "done"]);
});

test("a blob shared with a kept entry stays when the other entry goes", async () => {
  const s = await build([stage("x", { params: { text: "same" } }), stage("y", { kind: "fixture.other", params: { text: "same" } })], { cacheDir, root });
  const report = await gc({ cacheDir, keep: [s.stages[0]!.key] });
  expect(report.removedKeys).toEqual([s.stages[1]!.key]);
  expect(report.removedBlobs).toBe(0);
  expect(report.freedBytes).toBe(0);
});

test("with maxAgeMs only unkept entries unused for longer are evicted", async () => {
  const k = await three();
  setLastUsed(k.a!, 10 * 86400_000);
  setLastUsed(k.b!, 10 * 86400_000);
  const report = await gc({ cacheDir, keep: [k.a!], maxAgeMs: 86400_000 });
  expect(report.removedKeys).toEqual([k.b!]);
});

test("with maxSizeBytes the least recently used unkept entries go first, until the store fits", async () => {
  const k = await three(); // sizes a=1, b=2, c=4
  setLastUsed(k.c!, 3000);
  setLastUsed(k.b!, 2000);
  setLastUsed(k.a!, 1000);
  const report = await gc({ cacheDir, keep: [], maxSizeBytes: 3 });
  expect(report.removedKeys).toEqual([k.c!]);
  expect(report.sizeBytes).toBe(3);
});

test("a dry run reports without deleting", async () => {
  const k = await three();
  const report = await gc({ cacheDir, keep: [], dryRun: true });
  expect(report.removedKeys.length).toBe(3);
  expect(report.freedBytes).toBe(7);
  expect(stageOutput(cacheDir, k.a!)).not.toBeNull();
});

test("status lists entries, blob totals and the last runs", async () => {
  const k = await three();
  await build([stage("a", { params: { text: "a" } })], { cacheDir, root });
  const st = await status(cacheDir);
  expect(st.entries.map((e) => e.key).sort()).toEqual(Object.values(k).sort());
  expect(st.entries.find((e) => e.id === "c")).toMatchObject({ kind: "fixture.concat", bytes: 4, files: 1 });
  expect(st.blobs).toBe(3);
  expect(st.blobBytes).toBe(7);
  expect(st.lastRuns.map((r) => r.counts)).toEqual([{ cached: 1 }, { done: 3 }]);
  expect(readdirSync(join(cacheDir, "runs")).length).toBe(2);
});
