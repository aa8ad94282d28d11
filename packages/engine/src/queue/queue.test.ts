// build() through the queue, against a real redis-server and the real turborepo-remote-cache server, both started on
// free ports of 127.0.0.1 for this file, with two worker processes (test-worker-child.ts: the fixture stage kinds in a
// registry). Skipped, with a printed reason, when redis-server or turborepo-remote-cache is not installed.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { build } from "../build.ts";
import { walkTree } from "../fs-util.ts";
import { freePort, serverEntry, startCacheServer, type CacheServer } from "../remote/test-server.ts";
import { runs, slowWriteRun, stage } from "../test-fixtures.ts";
import type { BuildOptions, EngineEvent, QueueOptions, RemoteCacheOptions, StageDef } from "../types.ts";
import { redisServer, startRedis, type RedisServer } from "./test-redis.ts";

const bin = redisServer();
const entry = serverEntry();
const skip = !bin ? "redis-server is not installed (apt-get install redis-server)" : !entry ? "turborepo-remote-cache is not installed (bun install)" : null;
if (skip) console.log(`queue.test.ts: skipped, ${skip}`);

/** Per test and hook: processes start slowly on a busy machine. */
const SLOW = 90_000;
const TOKEN = "queue-token";
const TEAM = "queue";
const root = mkdtempSync(join(tmpdir(), "lathe-queue-"));
const counter = join(root, "counter.txt");
let redis: RedisServer | undefined;
let cache: CacheServer | undefined;
const workers = new Map<string, { proc: Subprocess<"ignore", "pipe", "pipe">; lines: string[] }>();

async function spawnWorker(name: string, o: { gpuSlots: number; concurrency?: number }): Promise<void> {
  const opts = {
    url: redis!.url,
    remote: { url: cache!.url, token: TOKEN, team: TEAM },
    cacheDir: join(root, `worker-${name}`),
    root,
    name,
    concurrency: o.concurrency ?? 1,
    gpuSlots: o.gpuSlots,
    lockDurationMs: 2000, // a killed worker's job is retried within a few seconds
    stalledIntervalMs: 1000,
  };
  const proc = Bun.spawn([process.execPath, join(import.meta.dir, "test-worker-child.ts"), JSON.stringify(opts)], {
    env: { ...process.env, LATHE_TEST_COUNTER: counter },
    stdout: "pipe",
    stderr: "pipe",
  });
  const w = { proc, lines: [] as string[] };
  workers.set(name, w);
  const reader = proc.stdout.getReader();
  let buf = "";
  const deadline = Date.now() + 30_000;
  for (;;) {
    const chunk = await Promise.race([reader.read(), Bun.sleep(Math.max(0, deadline - Date.now())).then(() => null)]);
    if (!chunk || chunk.done) throw new Error(`worker ${name} did not start: ${await new Response(proc.stderr).text()}`);
    buf += new TextDecoder().decode(chunk.value);
    if (buf.includes('"type":"ready"')) break;
  }
  // Keep draining stdout so the child never blocks on a full pipe.
  void (async () => {
    for (;;) {
      const c = await reader.read().catch(() => ({ done: true as const, value: undefined }));
      if (c.done) return;
      w.lines.push(...new TextDecoder().decode(c.value).split("\n").filter(Boolean));
    }
  })();
}

async function stopWorker(name: string): Promise<void> {
  const w = workers.get(name);
  if (!w || w.proc.exitCode !== null || w.proc.signalCode !== null) return;
  w.proc.kill("SIGTERM");
  if (!(await Promise.race([w.proc.exited.then(() => true), Bun.sleep(5000).then(() => false)]))) {
    w.proc.kill("SIGKILL");
    await w.proc.exited;
  }
}

beforeAll(async () => {
  if (skip) return;
  redis = await startRedis({ bin: bin!, dir: join(root, "redis") });
  cache = await startCacheServer({ entry: entry!, storageDir: join(root, "server"), token: TOKEN });
  await Promise.all([spawnWorker("w1", { gpuSlots: 0 }), spawnWorker("w2", { gpuSlots: 1 })]);
}, SLOW);

afterAll(async () => {
  for (const name of workers.keys()) await stopWorker(name);
  await cache?.stop();
  await redis?.stop();
  rmSync(root, { recursive: true, force: true });
}, SLOW);

let n = 0;
const newCacheDir = (): string => join(root, `cache-${n++}`);
const remote = (): RemoteCacheOptions => ({ url: cache!.url, token: TOKEN, team: TEAM });
const queue = (o: Partial<QueueOptions> = {}): QueueOptions => ({ url: redis!.url, ...o });

async function go(graph: StageDef[], extra: Partial<BuildOptions> = {}, cacheDir = newCacheDir()) {
  runs.clear();
  const events: EngineEvent[] = [];
  const summary = await build(graph, { cacheDir, root, remote: remote(), queue: queue(), onEvent: (e) => events.push(e), ...extra });
  const status = Object.fromEntries(summary.stages.map((s) => [s.id, s.status]));
  const ranOn = Object.fromEntries(events.flatMap((e) => (e.type === "stage-worker" ? [[e.id, e.worker]] : [])));
  return { summary, events, status, ranOn, cacheDir };
}

/** Stage id → the pids that ran it (the counter file of every process). */
function counted(ids: readonly string[]): Record<string, string[]> {
  const lines = existsSync(counter) ? readFileSync(counter, "utf8").trim().split("\n").filter(Boolean) : [];
  const out: Record<string, string[]> = {};
  for (const l of lines) {
    const [id, pid] = l.split(" ");
    if (ids.includes(id!)) (out[id!] ??= []).push(pid!);
  }
  return out;
}

/** path → bytes (base64) of every output of every stage. */
function outputs(summary: Awaited<ReturnType<typeof build>>) {
  return Object.fromEntries(
    summary.stages.map((s) => {
      const files = walkTree(s.outDir!).files;
      return [s.id, Object.fromEntries(files.map((f) => [f, readFileSync(join(s.outDir!, f)).toString("base64")]))];
    }),
  );
}

/** src → left, right (a gpu stage) → join; `tag` makes fresh keys, `delayMs` keeps both workers busy at once. */
const diamond = (tag: string, delayMs = 400): StageDef[] => [
  stage(`src`, { params: { text: `src-${tag}` } }),
  stage(`left`, { deps: ["src"], params: { text: `left-${tag}`, delayMs } }),
  stage(`right`, { deps: ["src"], params: { text: `right-${tag}`, delayMs }, resource: "gpu" }),
  stage(`join`, { deps: ["left", "right"], params: { text: `join-${tag}` } }),
];

describe.skipIf(skip !== null)("build() through a BullMQ queue with two workers", () => {
  test("a 4-stage graph built by the workers has byte-identical outputs to a local build, each stage ran once, the gpu stage on the worker with a gpu slot", async () => {
    const tag = "diamond";
    const ids = ["src", "left", "right", "join"];
    rmSync(counter, { force: true });
    const q = await go(diamond(tag));
    expect(q.status).toEqual({ src: "done", left: "done", right: "done", join: "done" });
    expect(runs.size).toBe(0); // nothing ran in this process
    expect(Object.keys(q.ranOn).sort()).toEqual([...ids].sort());
    expect(q.ranOn.right).toBe("w2");
    expect(new Set(Object.values(q.ranOn)).size).toBeGreaterThanOrEqual(1);
    const ran = counted(ids);
    const workerPids = [...workers.values()].map((w) => String(w.proc.pid));
    for (const id of ids) {
      expect(ran[id]?.length).toBe(1);
      expect(workerPids).toContain(ran[id]![0]!);
    }
    expect(q.summary.queue).toEqual({ url: redis!.url, jobs: 4, workers: Object.fromEntries([...new Set(Object.values(q.ranOn))].map((w) => [w, Object.values(q.ranOn).filter((x) => x === w).length])) });
    expect(q.summary.stages.map((s) => s.worker)).toEqual(ids.map((id) => q.ranOn[id]));
    // The usual events, in order per stage, with the worker's logs forwarded.
    const left = q.events.filter((e) => "id" in e && e.id === "left").map((e) => e.type);
    expect(left.filter((t) => t !== "stage-progress" && t !== "stage-metric")).toEqual(["stage-queued", "stage-start", "stage-worker", "stage-log", "stage-done"]);
    const local = await build(diamond(tag), { cacheDir: newCacheDir(), root });
    expect(outputs(q.summary)).toEqual(outputs(local));
  }, SLOW);

  test("a stage already in the remote cache is not queued: a fresh cache dir downloads every stage", async () => {
    await go(diamond("hit"));
    rmSync(counter, { force: true });
    const again = await go(diamond("hit"));
    expect(again.status).toEqual({ src: "cached", left: "cached", right: "cached", join: "cached" });
    expect(again.ranOn).toEqual({});
    expect(again.summary.remote?.hits).toBe(4);
    expect(again.summary.queue?.jobs).toBe(0);
    expect(counted(["src", "left", "right", "join"])).toEqual({});
  }, SLOW);

  test("a machine-dependent stage and its downstream run on the coordinator; an input it never uploaded is put on the remote for the worker", async () => {
    const g = (): StageDef[] => [
      stage("src", { params: { text: "src-md" } }),
      { ...stage("timed", { deps: ["src"], params: { text: "timed-md" } }), machineDependent: "time budget" },
      stage("after", { deps: ["timed"], params: { text: "after-md" } }),
      stage("other", { deps: ["src"], params: { text: "other-md" } }),
    ];
    const cacheDir = newCacheDir();
    // src built here first, without the remote: a local hit the workers cannot see until the build uploads it.
    await build([g()[0]!], { cacheDir, root });
    const r = await go(g(), {}, cacheDir);
    expect(r.status).toEqual({ src: "cached", timed: "done", after: "done", other: "done" });
    expect([...runs.keys()].sort()).toEqual(["after", "timed"]);
    expect(Object.keys(r.ranOn)).toEqual(["other"]);
    expect(readFileSync(join(r.summary.stages[3]!.outDir!, "out.txt"), "utf8")).toBe("src-md|other-md");
  }, SLOW);

  test("a stage failing on a worker fails the build with its error and the worker's name", async () => {
    const r = await go([stage("bad", { params: { text: "bad", fail: "the toy stage failed on purpose" } }), stage("next", { deps: ["bad"] })]);
    expect(r.status).toEqual({ bad: "failed", next: "skipped" });
    const worker = r.ranOn.bad!;
    expect(r.summary.stages[0]!.error).toBe(`the toy stage failed on purpose (on worker ${worker})`);
    expect(r.summary.stages[0]!.worker).toBe(worker);
    expect(r.summary.ok).toBe(false);
  }, SLOW);

  test("unreachable Redis is one line naming the URL; with fallback local the build runs here", async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const g = (): StageDef[] => [stage("a", { params: { text: "a-down" } }), stage("b", { deps: ["a"], params: { text: "b-down" } })];
    await expect(go(g(), { queue: queue({ url, connectTimeoutMs: 2000 }) })).rejects.toThrow(
      `queue: cannot reach Redis at ${url} (connect ECONNREFUSED 127.0.0.1:${url.split(":").at(-1)}). Hint: check that redis-server runs there and takes connections from this machine; or set queue.fallback to "local" (lathe build --fallback local) to build here`,
    );
    const r = await go(g(), { queue: queue({ url, fallback: "local", connectTimeoutMs: 2000 }) });
    expect(r.status).toEqual({ a: "done", b: "done" });
    expect([...runs.keys()].sort()).toEqual(["a", "b"]);
    const err = r.events.find((e) => e.type === "queue-error");
    expect(err?.type === "queue-error" && err.message).toStartWith(`queue: cannot reach Redis at ${url} (`);
    expect(r.summary.queue?.error).toStartWith(`queue: cannot reach Redis at ${url} (`);
  }, SLOW);

  test("an unreachable remote cache is one line naming its URL; a queue without a remote cache is refused", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const g = [stage("a", { params: { text: "a-nocache" } })];
    await expect(go(g, { remote: { url, token: TOKEN, team: TEAM } })).rejects.toThrow(`queue: the remote cache at ${url} cannot be used: HEAD ${url}/v8/artifacts/lathe-queue-probe?teamId=${TEAM} failed: `);
    await expect(go(g, { remote: undefined })).rejects.toThrow(`queue: the queue at ${redis!.url} needs a remote cache`);
  }, SLOW);

  test("with no worker on its queue the build says so and waits; aborting it takes the waiting job off the queue", async () => {
    const ac = new AbortController();
    let notice = "";
    const r = await go([stage("lonely", { params: { text: "lonely" } })], {
      queue: queue({ name: "nobody" }),
      signal: ac.signal,
      onEvent: (e) => {
        if (e.type !== "stage-log" || !e.line.startsWith("no worker listens")) return;
        notice = e.line;
        ac.abort();
      },
    });
    expect(notice).toBe(`no worker listens on nobody.cpu at ${redis!.url} yet; the job waits for one (lathe worker --queue ${redis!.url} --remote-cache ${cache!.url})`);
    expect(r.summary.stages[0]).toMatchObject({ status: "failed", error: "build aborted" });
    const { Queue } = await import("bullmq");
    const q = new Queue("nobody.cpu", { connection: { url: redis!.url } });
    try {
      expect(await q.getJobCounts("waiting", "active")).toMatchObject({ waiting: 0, active: 0 });
    } finally {
      await q.close();
    }
  }, SLOW);

  test("a worker killed (SIGKILL) mid-stage: its job is retried on the other worker and the build succeeds", async () => {
    rmSync(counter, { force: true });
    const g = [
      stage("first", { params: { text: "first-kill" } }),
      stage("slow", { kind: "fixture.slow", deps: ["first"], params: { chunks: 40, delayMs: 100 }, run: slowWriteRun }), // 4 s
      stage("last", { deps: ["slow"], params: { text: "last-kill" } }),
    ];
    let killed = "";
    const events: EngineEvent[] = [];
    runs.clear();
    const summary = await build(g, {
      cacheDir: newCacheDir(),
      root,
      remote: remote(),
      queue: queue(),
      onEvent: (e) => {
        events.push(e);
        if (e.type === "stage-worker" && e.id === "slow" && killed === "") killed = e.worker;
        // Killed mid-stage: it has written its first chunk (the log line comes from the worker).
        if (e.type === "stage-log" && e.id === "slow" && e.line === "first chunk written" && !workers.get(killed)!.proc.killed) workers.get(killed)!.proc.kill("SIGKILL");
      },
    });
    expect(summary.ok).toBe(true);
    const slow = events.flatMap((e) => (e.type === "stage-worker" && e.id === "slow" ? [`${e.worker} #${e.attempt}`] : []));
    const other = killed === "w1" ? "w2" : "w1";
    expect(slow).toEqual([`${killed} #1`, `${other} #2`]);
    expect(summary.stages.find((s) => s.id === "slow")?.worker).toBe(other);
    expect(counted(["slow"]).slow?.length).toBe(2); // started twice, published once
    expect(events.some((e) => e.type === "stage-log" && e.id === "slow" && e.line.startsWith(`worker ${killed} stopped renewing its lock`))).toBe(true);
    expect(readFileSync(join(summary.stages[1]!.outDir!, "big.bin")).length).toBe(40 * 65536);
    expect(readFileSync(join(summary.stages[2]!.outDir!, "out.txt"), "utf8").endsWith("|last-kill")).toBe(true);
  }, SLOW);
});
