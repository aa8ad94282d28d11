// build(): caching, selective reruns, explain, dedup, logs replay, failures, resources, abort, file inputs.
import { afterAll, beforeEach, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "./build.ts";
import { formatChange } from "./explain.ts";
import { plan } from "./plan.ts";
import { status } from "./status.ts";
import { chain, runs, stage } from "./test-fixtures.ts";
import type { EngineEvent, StageDef } from "./types.ts";

const root = mkdtempSync(join(tmpdir(), "lathe-build-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
let cacheDir = "";
beforeEach(() => {
  cacheDir = join(root, `cache-${n++}`);
  runs.clear();
});

async function run(graph: StageDef[], opts: { continueOnError?: boolean; concurrency?: number; signal?: AbortSignal; label?: string } = {}) {
  const events: EngineEvent[] = [];
  const summary = await build(graph, { cacheDir, root, onEvent: (e) => events.push(e), ...opts });
  const status = Object.fromEntries(summary.stages.map((s) => [s.id, s.status]));
  return { summary, events, status };
}

const diamond = (p: Record<string, string> = {}): StageDef[] => [
  stage("src", { params: { text: p.src ?? "src" } }),
  stage("left", { deps: ["src"], params: { text: p.left ?? "left" } }),
  stage("right", { deps: ["src"], params: { text: p.right ?? "right" } }),
  stage("join", { deps: ["left", "right"], params: { text: p.join ?? "join" } }),
];

test("a second build with no change is all cache hits and runs nothing", async () => {
  const first = await run(diamond());
  expect(first.status).toEqual({ src: "done", left: "done", right: "done", join: "done" });
  expect(readFileSync(join(first.summary.stages[3]!.outDir!, "out.txt"), "utf8")).toBe("src|left|src|right|join");
  runs.clear();
  const second = await run(diamond());
  expect(second.status).toEqual({ src: "cached", left: "cached", right: "cached", join: "cached" });
  expect(runs.size).toBe(0);
  expect(second.summary.stages.map((s) => s.outDir)).toEqual(first.summary.stages.map((s) => s.outDir));
  expect((await plan(diamond(), { cacheDir, root })).map((p) => p.status)).toEqual(["hit", "hit", "hit", "hit"]);
});

test("changing one param reruns that stage and its downstreams only", async () => {
  await run(diamond());
  runs.clear();
  const r = await run(diamond({ left: "LEFT" }));
  expect(r.status).toEqual({ src: "cached", left: "done", right: "cached", join: "done" });
  expect([...runs.keys()].sort()).toEqual(["join", "left"]);
});

test("explain names each change since the last successful build of the stage, in exact words", async () => {
  await run(diamond());
  const p = await plan(
    [
      stage("src", { params: { text: "src" } }),
      stage("left", { deps: ["src"], params: { text: "left", train: { lr: 1e-4, new: true } }, version: "2" }),
      stage("right", { deps: ["src"], params: { text: "right" } }),
      stage("join", { deps: ["left", "right"], params: { text: "join" } }),
    ],
    { cacheDir, root },
  );
  expect(p.map((s) => [s.id, s.status, s.changes.map(formatChange)])).toEqual([
    ["src", "hit", []],
    ["left", "miss", ["version 1 → 2", "param train (unset) → {\"lr\":0.0001,\"new\":true}"]],
    ["right", "hit", []],
    ["join", "miss", ["upstream left changed"]],
  ]);
});

test("a param change is shown by dotted path with old and new values", async () => {
  const g = (lr: number) => [stage("train", { params: { train: { lr, steps: 10 }, tags: ["a", "b"] } })];
  await run(g(3e-4));
  const [p] = await plan(g(1e-4), { cacheDir, root });
  expect(p!.changes.map(formatChange)).toEqual(["param train.lr 3e-4 → 1e-4"]);
  const r = await run(g(1e-4));
  const start = r.events.find((e) => e.type === "stage-start");
  expect(start?.type === "stage-start" && start.changes.map(formatChange)).toEqual(["param train.lr 3e-4 → 1e-4"]);
});

test("a changed, added or removed input file is named", async () => {
  const a = join(root, "a.txt");
  const b = join(root, "b.txt");
  writeFileSync(a, "A");
  writeFileSync(b, "B");
  await run([stage("read", { files: [a] })]);
  writeFileSync(a, "A2");
  expect((await plan([stage("read", { files: [a] })], { cacheDir, root }))[0]!.changes.map(formatChange)).toEqual(["file a.txt changed"]);
  expect((await plan([stage("read", { files: [b] })], { cacheDir, root }))[0]!.changes.map(formatChange)).toEqual(["file b.txt added", "file a.txt removed"]);
});

test("a stage built for the first time is explained as new", async () => {
  const [p] = await plan([stage("x")], { cacheDir, root });
  expect(p!.changes.map(formatChange)).toEqual(["new: never built before"]);
});

test("file inputs are read by content: rewriting the same bytes is still a hit", async () => {
  const f = join(root, "same.txt");
  writeFileSync(f, "same");
  await run([stage("read", { files: [f] })]);
  writeFileSync(f, "same");
  const t = new Date(Date.now() + 5000);
  utimesSync(f, t, t);
  expect((await run([stage("read", { files: [f] })])).status).toEqual({ read: "cached" });
});

test("logs are stored and replayed on a cache hit, marked replay", async () => {
  const g = chain(["a", "b"]);
  const first = await run(g);
  const live = first.events.filter((e) => e.type === "stage-log");
  expect(live).toEqual([
    { type: "stage-log", id: "a", line: "a: 1 parts", replay: false },
    { type: "stage-log", id: "b", line: "b: 2 parts", replay: false },
  ]);
  const second = await run(g);
  expect(second.events.filter((e) => e.type === "stage-log")).toEqual(live.map((e) => ({ ...e, replay: true })));
});

test("events arrive in order: build-start, queued, start, log, progress, metric, done, build-done", async () => {
  const { events } = await run([stage("only")]);
  expect(events.map((e) => e.type)).toEqual(["build-start", "stage-queued", "stage-start", "stage-log", "stage-progress", "stage-metric", "stage-done", "build-done"]);
});

test("two stages with equal keys (sweep trials sharing a prefix) run once and both report the output", async () => {
  const trial = (i: number, lr: number): StageDef[] => [
    stage(`trial-${i}/prep`, { kind: "fixture.concat", params: { text: "shared" } }),
    stage(`trial-${i}/train`, { deps: [`trial-${i}/prep`], params: { text: `lr=${lr}` } }),
  ];
  const r = await run([...trial(1, 1), ...trial(2, 2), ...trial(3, 1)]);
  expect(r.status).toEqual({ "trial-1/prep": "done", "trial-2/prep": "cached", "trial-3/prep": "cached", "trial-1/train": "done", "trial-2/train": "done", "trial-3/train": "cached" });
  expect(runs.get("trial-1/prep")).toBe(1);
  expect(runs.has("trial-2/prep")).toBe(false);
  expect(runs.has("trial-3/train")).toBe(false);
  const s = r.summary.stages;
  expect(s.find((x) => x.id === "trial-3/train")!.outDir).toBe(s.find((x) => x.id === "trial-1/train")!.outDir!);
});

test("with continueOnError a failed branch skips its dependents and independent stages still build", async () => {
  const g = [stage("bad", { params: { fail: "boom" } }), stage("after-bad", { deps: ["bad"] }), stage("good"), stage("after-good", { deps: ["good"] })];
  const r = await run(g, { continueOnError: true, concurrency: 1 });
  expect(r.status).toEqual({ bad: "failed", "after-bad": "skipped", good: "done", "after-good": "done" });
  expect(r.summary.ok).toBe(false);
  expect(r.summary.stages.find((s) => s.id === "bad")!.error).toBe("boom");
  expect(r.events.find((e) => e.type === "stage-skipped")).toEqual({ type: "stage-skipped", id: "after-bad", reason: "upstream bad failed" });
  const failedAt = r.events.findIndex((e) => e.type === "stage-failed");
  expect(failedAt).toBeLessThan(r.events.findIndex((e) => e.type === "stage-done" && e.id === "after-good"));
});

test("without continueOnError a failure stops starting new stages", async () => {
  const g = [stage("bad", { params: { fail: "boom" } }), stage("good"), stage("after-good", { deps: ["good"] })];
  const r = await run(g, { concurrency: 1 });
  expect(r.status).toEqual({ bad: "failed", good: "skipped", "after-good": "skipped" });
  expect(r.summary.stages.find((s) => s.id === "good")!.reason).toBe("build stopped after bad failed");
});

test("a failed stage publishes nothing, keeps its scratch dir, and the scratch dir goes after a success", async () => {
  let attempt = 0;
  const flaky = stage("flaky", {
    run: async (ctx) => {
      attempt++;
      writeFileSync(join(ctx.outDir, "partial.txt"), "partial");
      if (attempt === 1) {
        writeFileSync(join(ctx.scratchDir, "ckpt"), "step 5");
        throw new Error("crash at step 5");
      }
      expect(readFileSync(join(ctx.scratchDir, "ckpt"), "utf8")).toBe("step 5");
      writeFileSync(join(ctx.outDir, "done.txt"), "ok");
    },
  });
  const r1 = await run([flaky]);
  expect(r1.status).toEqual({ flaky: "failed" });
  expect(existsSync(join(cacheDir, "stages"))).toBe(false);
  expect(readdirSync(join(cacheDir, "tmp"))).toEqual([]);
  const r2 = await run([flaky]);
  expect(r2.status).toEqual({ flaky: "done" });
  expect(readdirSync(r2.summary.stages[0]!.outDir!).sort()).toEqual(["done.txt", "partial.txt"]);
  expect(readdirSync(join(cacheDir, "scratch"))).toEqual([]);
});

test("published outputs are read-only and identical files share one blob", async () => {
  const r = await run([stage("x", { params: { text: "same" } }), stage("y", { kind: "fixture.other", params: { text: "same" } })]);
  const [x, y] = r.summary.stages.map((s) => join(s.outDir!, "out.txt"));
  expect(statSync(x!).mode & 0o222).toBe(0);
  expect(statSync(x!).ino).toBe(statSync(y!).ino);
  expect(readdirSync(join(cacheDir, "blobs")).length).toBe(1);
});

test("gpu stages never run more than gpuSlots at once; cpu stages fill the rest", async () => {
  let gpuNow = 0;
  let gpuMax = 0;
  let allNow = 0;
  let allMax = 0;
  const body = (gpu: boolean) => async (ctx: { outDir: string }) => {
    allNow++;
    allMax = Math.max(allMax, allNow);
    if (gpu) gpuMax = Math.max(gpuMax, ++gpuNow);
    await Bun.sleep(20);
    if (gpu) gpuNow--;
    allNow--;
    writeFileSync(join(ctx.outDir, "o"), "o");
  };
  const g = [0, 1, 2, 3].flatMap((i) => [stage(`g${i}`, { resource: "gpu", params: { i }, run: body(true) }), stage(`c${i}`, { params: { i }, run: body(false) })]);
  const r = await build(g, { cacheDir, root, concurrency: 3, gpuSlots: 1 });
  expect(r.ok).toBe(true);
  expect(gpuMax).toBe(1);
  expect(allMax).toBe(3);
});

test("aborting the signal stops running stages and skips the rest", async () => {
  const ac = new AbortController();
  const waiter = stage("wait", {
    run: (ctx) =>
      new Promise((_, reject) => {
        ctx.signal.addEventListener("abort", () => reject(new Error("stopped by signal")));
        setTimeout(() => ac.abort(), 10);
      }),
  });
  const r = await run([waiter, stage("next", { deps: ["wait"] }), stage("other", { deps: ["wait"] })], { signal: ac.signal });
  expect(r.status).toEqual({ wait: "failed", next: "skipped", other: "skipped" });
  expect(r.summary.stages[0]!.error).toBe("stopped by signal");
});

test("a run summary JSON is written per build", async () => {
  const r = await run([stage("a")]);
  const saved = JSON.parse(readFileSync(r.summary.runFile!, "utf8"));
  expect(saved.ok).toBe(true);
  expect(saved.stages[0].status).toBe("done");
});

test("the run summary and status name what was built when the build has a label", async () => {
  const r = await run([stage("a")], { label: "recipes/x.yaml" });
  expect(JSON.parse(readFileSync(r.summary.runFile!, "utf8")).label).toBe("recipes/x.yaml");
  const s = await status(cacheDir);
  expect(s.lastRuns.find((x) => x.file === r.summary.runFile)?.label).toBe("recipes/x.yaml");
});

test("params that are not JSON are rejected before anything runs, naming the stage and the pointer", async () => {
  const bad = stage("train", { params: { train: { lr: Number.NaN } } });
  await expect(build([stage("ok"), bad], { cacheDir, root })).rejects.toThrow('stage "train" params: value at /train/lr is NaN, which is not JSON.');
  expect(runs.size).toBe(0);
});

test("a missing input file is an error naming the stage, input and path", async () => {
  const missing = join(root, "nope.txt");
  await expect(build([stage("read", { files: [missing] })], { cacheDir, root })).rejects.toThrow(`stage "read" input "files": cannot read ${missing} (ENOENT).`);
});

test("a throwing event listener does not wedge the build; build rejects with its error after finishing", async () => {
  const p = build(chain(["a", "b"]), {
    cacheDir,
    root,
    onEvent: (e) => {
      if (e.type === "stage-done") throw new Error("ui bug");
    },
  });
  await expect(p).rejects.toThrow("ui bug");
  expect((await plan(chain(["a", "b"]), { cacheDir, root })).map((s) => s.status)).toEqual(["hit", "hit"]);
});

test("a deduplicated twin of a failed stage fails with the same error", async () => {
  const g = [stage("t1/x", { params: { fail: "bad lr" } }), stage("t2/x", { params: { fail: "bad lr" } })];
  const r = await run(g, { continueOnError: true });
  expect(r.status).toEqual({ "t1/x": "failed", "t2/x": "failed" });
  expect(r.summary.stages.map((s) => s.error)).toEqual(["bad lr", "bad lr"]);
  expect(runs.get("t1/x")).toBe(1);
});

test("file inputs reach the stage as absolute paths in the given order, directories hashed recursively", async () => {
  const d = join(root, "dir-in");
  const { mkdirSync } = await import("node:fs");
  mkdirSync(join(d, "sub"), { recursive: true });
  writeFileSync(join(d, "sub", "x.txt"), "x");
  let seen: unknown;
  const s = stage("read", {
    files: ["dir-in"],
    run: async (ctx) => {
      seen = ctx.inputs.files;
      writeFileSync(join(ctx.outDir, "o"), "o");
    },
  });
  await run([s]);
  expect(seen).toEqual([d]);
  writeFileSync(join(d, "sub", "x.txt"), "y");
  expect((await plan([s], { cacheDir, root }))[0]!.changes.map(formatChange)).toEqual(["file dir-in/sub/x.txt changed"]);
});

test("an output hardlinked to an input file is stored as a private copy; one linked to an upstream output is shared", async () => {
  const { linkSync } = await import("node:fs");
  const input = join(root, "linked-input.txt");
  writeFileSync(input, "original");
  const passUser = stage("pass-user", { files: [input], run: async (ctx) => linkSync((ctx.inputs.files as string[])[0]!, join(ctx.outDir, "copy.txt")) });
  const passUp = stage("pass-up", { deps: ["pass-user"], run: async (ctx) => linkSync(join(ctx.inputs.dep0 as string, "copy.txt"), join(ctx.outDir, "again.txt")) });
  const r = await run([passUser, passUp]);
  const [user, up] = r.summary.stages.map((s) => s.outDir!);
  expect(statSync(join(user!, "copy.txt")).ino).not.toBe(statSync(input).ino);
  expect(statSync(join(up!, "again.txt")).ino).toBe(statSync(join(user!, "copy.txt")).ino);
  writeFileSync(input, "edited!!"); // in place, same inode
  expect(readFileSync(join(user!, "copy.txt"), "utf8")).toBe("original");
});

test("a stage whose key another build holds waits without its slot: other ready stages run meanwhile", async () => {
  const a = stage("a", { params: { text: "a" } });
  const b = stage("b", { params: { text: "b" } });
  const [pa] = await plan([a], { cacheDir, root });
  // Another build (a live holder: this process, under another token) holds a's key.
  const { acquireLock } = await import("./lock.ts");
  const other = await acquireLock(join(cacheDir, "locks", `${pa!.key}.lock`));
  const order: string[] = [];
  const building = build([a, b], { cacheDir, root, concurrency: 1, onEvent: (e) => e.type === "stage-done" && order.push(e.id) });
  await Bun.sleep(300);
  expect(order).toEqual(["b"]); // with one slot, b ran while a waited for the lock
  other.release();
  const summary = await building;
  expect(summary.ok).toBe(true);
  expect(order).toEqual(["b", "a"]);
});
