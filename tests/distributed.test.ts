// End-to-end: `lathe build --queue redis://… --remote-cache URL` with `lathe worker` processes, against a real
// redis-server and the real turborepo-remote-cache server (both started here on free ports of 127.0.0.1 and stopped
// after). The sweep fixture (tiny-sweep.yaml: two trials sharing their collect stage) is built with one worker and
// with two; both give the same bytes as a local build (report.json: up to its timings), each stage key runs once,
// and the wall times are printed. So is a 2-trial model sweep (tiny-model-sweep.yaml), where two workers train apart.
// Skipped, with the reason printed, when redis-server (or turborepo-remote-cache) is not installed.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { redisServer, startRedis, type RedisServer } from "../packages/engine/src/queue/test-redis.ts";
import { freePort, serverEntry, startCacheServer, type CacheServer } from "../packages/engine/src/remote/test-server.ts";

const ROOT = join(import.meta.dir, "..");
const MAIN = join(ROOT, "packages/cli/src/main.ts");
const SWEEP = "tests/fixtures/cli/tiny-sweep.yaml";
const MODEL_SWEEP = "tests/fixtures/cli/tiny-model-sweep.yaml";
const TOKEN = "secret";
const bin = redisServer();
const entry = serverEntry();
const skip = !bin ? "redis-server is not installed (apt-get install redis-server)" : !entry ? "turborepo-remote-cache is not installed (bun install)" : null;
if (skip) console.log(`distributed e2e: skipped, ${skip}`);
setDefaultTimeout(120_000);

const tmp = mkdtempSync(join(tmpdir(), "lathe-distributed-e2e-"));
let redis: RedisServer | undefined;
let cache: CacheServer | undefined;
const workers: Subprocess<"ignore", "pipe", "pipe">[] = [];

beforeAll(async () => {
  if (skip) return;
  redis = await startRedis({ bin: bin!, dir: join(tmp, "redis") });
  cache = await startCacheServer({ entry: entry!, storageDir: join(tmp, "server"), token: TOKEN });
}, 60_000);

afterAll(async () => {
  for (const w of workers) await stop(w);
  await cache?.stop();
  await redis?.stop();
  rmSync(tmp, { recursive: true, force: true });
}, 60_000);

const env = (team: string, cacheDir: string): Record<string, string> => ({ ...(process.env as Record<string, string>), LATHE_CACHE: cacheDir, LATHE_REMOTE_TOKEN: TOKEN, LATHE_REMOTE_TEAM: team, CI: "1", NO_COLOR: "1" });

/** `lathe …` to completion, with its wall time. */
async function lathe(e: Record<string, string>, ...args: string[]) {
  const t = performance.now();
  const p = Bun.spawn(["bun", MAIN, ...args], { cwd: ROOT, env: e, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { code, stdout, stderr, wallMs: performance.now() - t };
}

/** `lathe worker` in the background; resolves once it takes jobs. Its output is kept in `lines`. */
async function startWorker(team: string, name: string) {
  const p = Bun.spawn(["bun", MAIN, "worker", "--queue", redis!.url, "--remote-cache", cache!.url, "--name", name, "--concurrency", "1"], {
    cwd: ROOT,
    env: env(team, join(tmp, `cache-${name}`)),
    stdout: "pipe",
    stderr: "pipe",
  });
  workers.push(p);
  const lines: string[] = [];
  const reader = p.stdout.getReader();
  let buf = "";
  const deadline = Date.now() + 30_000;
  while (!buf.includes("taking jobs")) {
    const c = await Promise.race([reader.read(), Bun.sleep(Math.max(0, deadline - Date.now())).then(() => null)]);
    if (!c || c.done) throw new Error(`lathe worker ${name} did not start: ${buf}${await new Response(p.stderr).text()}`);
    buf += new TextDecoder().decode(c.value);
  }
  lines.push(...buf.split("\n").filter(Boolean));
  void (async () => {
    for (;;) {
      const c = await reader.read().catch(() => ({ done: true as const, value: undefined }));
      if (c.done) return;
      lines.push(...new TextDecoder().decode(c.value).split("\n").filter(Boolean));
    }
  })();
  return { proc: p, lines };
}

async function stop(p: Subprocess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  p.kill("SIGTERM");
  if (!(await Promise.race([p.exited.then(() => true), Bun.sleep(5000).then(() => false)]))) {
    p.kill("SIGKILL");
    await p.exited;
  }
}

interface RunSummary {
  ok: boolean;
  stages: { id: string; key: string; status: string; outDir?: string; worker?: string }[];
}

/** Fields of a data stage's report.json that hold timings: the only bytes two runs of the stage write differently. */
const TIMINGS = new Set(["seconds", "mb_per_s", "ms"]);
function untimed(text: string): string {
  return JSON.stringify(JSON.parse(text, (k, v) => (TIMINGS.has(k) ? undefined : v)));
}

/** The build's run summary (runs/*.json of its cache dir) and every stage's files (base64; report.json untimed), by stage id. */
function results(cacheDir: string) {
  const runs = join(cacheDir, "runs");
  const file = readdirSync(runs).sort().at(-1)!;
  const summary = JSON.parse(readFileSync(join(runs, file), "utf8")) as RunSummary;
  const files = (dir: string, prefix = ""): Record<string, string> =>
    Object.fromEntries(
      readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((d) =>
        d.isDirectory()
          ? Object.entries(files(dir, join(prefix, d.name)))
          : [[join(prefix, d.name), d.name === "report.json" ? untimed(readFileSync(join(dir, prefix, d.name), "utf8")) : readFileSync(join(dir, prefix, d.name)).toString("base64")]],
      ),
    );
  return { summary, outputs: Object.fromEntries(summary.stages.map((s) => [s.id, files(s.outDir!)])) };
}

/** stage id → worker, from the --json events. */
function ranOn(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of stdout.trim().split("\n")) {
    const e = JSON.parse(line) as { type: string; id?: string; worker?: string };
    if (e.type === "stage-worker") out[e.id!] = e.worker!;
  }
  return out;
}

/** Build `recipe` through the queue with `n` fresh `lathe worker`s and a fresh remote namespace (nothing is a hit). */
async function distributed(recipe: string, n: number, tag: string) {
  const team = `${tag}-${n}`;
  const names = Array.from({ length: n }, (_, i) => `${tag}-w${n}${"ab"[i]}`);
  const ws = await Promise.all(names.map((name) => startWorker(team, name)));
  const cacheDir = join(tmp, `coordinator-${team}`);
  const r = await lathe(env(team, cacheDir), "build", recipe, "--json", "--queue", redis!.url, "--remote-cache", cache!.url);
  for (const w of ws) await stop(w.proc);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  const on = ranOn(r.stdout);
  for (const w of Object.values(on)) expect(names).toContain(w);
  // Each stage key ran once, on one of this run's workers.
  const started = ws.flatMap((w) => w.lines.filter((l) => l.startsWith("start ")));
  const done = ws.flatMap((w) => w.lines.filter((l) => l.startsWith("done ")).map((l) => l.split(/\s+/)[1]));
  expect(started.length).toBe(Object.keys(on).length);
  expect(done.sort()).toEqual(Object.keys(on).sort());
  return { ...results(cacheDir), on, wallMs: Math.round(r.wallMs) };
}

describe.skipIf(skip !== null)("lathe build --queue with lathe worker", () => {
  test("the sweep built by one worker and by two gives the outputs of a local build; each stage key runs once", async () => {
    const local = await lathe(env("unused", join(tmp, "local")), "build", SWEEP, "--plain");
    expect(local.code).toBe(0);
    const reference = results(join(tmp, "local"));
    const one = await distributed(SWEEP, 1, "sweep");
    const two = await distributed(SWEEP, 2, "sweep");
    for (const r of [one, two]) {
      expect(r.outputs).toEqual(reference.outputs);
      expect(r.summary.stages.map((s) => s.key)).toEqual(reference.summary.stages.map((s) => s.key));
      expect(Object.keys(r.on).length).toBe(3); // trial-1/collect and trial-2/collect are one key
    }
    console.log(`distributed e2e: ${SWEEP} wall time: 1 worker ${one.wallMs} ms, 2 workers ${two.wallMs} ms`);
  });

  test("a 2-trial model sweep on one worker and on two: the same models and samples as a local build", async () => {
    const t = performance.now();
    const local = await lathe(env("unused", join(tmp, "local-model")), "build", MODEL_SWEEP, "--plain");
    expect(local.code).toBe(0);
    const localMs = Math.round(performance.now() - t);
    const reference = results(join(tmp, "local-model"));
    const one = await distributed(MODEL_SWEEP, 1, "model");
    const two = await distributed(MODEL_SWEEP, 2, "model");
    // The trained weights and the samples, byte for byte (summaries and eval reports also hold timings).
    const models = (o: Record<string, Record<string, string>>) =>
      Object.fromEntries(Object.entries(o).flatMap(([id, files]) => Object.entries(files).filter(([f]) => ["model.safetensors", "sample.txt", "tokenizer.json", "train.bin"].includes(f)).map(([f, b]) => [`${id}/${f}`, b])));
    expect(Object.keys(models(reference.outputs)).length).toBe(8);
    for (const r of [one, two]) {
      expect(models(r.outputs)).toEqual(models(reference.outputs));
      expect(r.summary.stages.map((s) => s.key)).toEqual(reference.summary.stages.map((s) => s.key));
      expect(Object.keys(r.on).length).toBe(10); // collect, clean, tokenizer, pack shared; train, sample, eval per trial
    }
    expect(new Set(Object.values(two.on)).size).toBe(2);
    console.log(`distributed e2e: ${MODEL_SWEEP} wall time: local ${localMs} ms, 1 worker ${one.wallMs} ms, 2 workers ${two.wallMs} ms`);
  }, 600_000);

  test("an unreachable Redis is one line naming the URL; with --fallback local the build runs here", async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const e = env("team-down", join(tmp, "down"));
    const r = await lathe(e, "build", SWEEP, "--plain", "--queue", url, "--remote-cache", cache!.url);
    expect(r.code).toBe(1);
    expect(r.stderr).toStartWith(`queue: cannot reach Redis at ${url} (`);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("(lathe build --fallback local)");
    const f = await lathe(e, "build", SWEEP, "--plain", "--queue", url, "--remote-cache", cache!.url, "--fallback", "local");
    expect(f.code).toBe(0);
    expect(f.stdout).toMatch(/^start {4}trial-1\/clean/m);
  });

  test("--queue without a remote cache exits 2 saying why", async () => {
    const e = { ...env("x", join(tmp, "x")), LATHE_REMOTE_CACHE: "" };
    const r = await lathe(e, "build", SWEEP, "--queue", redis!.url);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`lathe build: --queue needs a remote cache: workers take their inputs from it and put their outputs there. Hint: add --remote-cache URL (a Turborepo remote cache server the workers reach too)\n`);
  });
});
