// build() with a remote cache, against the real Turborepo remote cache server (npm turborepo-remote-cache, local
// storage) started on 127.0.0.1 for this file. Skipped, with a printed reason, when that package is not installed.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "../build.ts";
import { walkTree } from "../fs-util.ts";
import { runs, stage, count } from "../test-fixtures.ts";
import type { BuildOptions, EngineEvent, RemoteCacheOptions, StageContext, StageDef } from "../types.ts";
import { RemoteCacheClient } from "./client.ts";
import { freePort, serverEntry, startCacheServer, type CacheServer } from "./test-server.ts";

const entry = serverEntry();
if (!entry) console.log("remote.test.ts: skipped, turborepo-remote-cache is not installed (a devDependency of @lathe/engine; run bun install)");

const root = mkdtempSync(join(tmpdir(), "lathe-remote-"));
/** Per test and hook: starting the server loads its storage SDKs (seconds on a busy machine). */
const SLOW = 60_000;
const TOKEN = "test-token";
let server: CacheServer;
beforeAll(async () => {
  if (entry) server = await startCacheServer({ entry, storageDir: join(root, "server"), token: TOKEN });
}, SLOW);
afterAll(async () => {
  await server?.stop();
  rmSync(root, { recursive: true, force: true });
}, SLOW);

let n = 0;
/** A fresh team per test keeps their artifacts apart on the one server. */
const newTeam = (): string => `team-${n++}`;
const newCacheDir = (): string => join(root, `cache-${n++}`);

/** Writes nested files, a 1.5 MiB binary and an empty dir, from its upstream's out.txt. */
async function treeRun(ctx: StageContext): Promise<void> {
  count(ctx.id);
  const text = readFileSync(join(ctx.inputs.dep0 as string, "out.txt"), "utf8");
  mkdirSync(join(ctx.outDir, "sub", "deep"), { recursive: true });
  mkdirSync(join(ctx.outDir, "empty"));
  writeFileSync(join(ctx.outDir, "a.txt"), text);
  writeFileSync(join(ctx.outDir, "sub", "deep", "b.bin"), Uint8Array.from({ length: 3 << 19 }, (_, i) => (i * 7 + text.length) & 255));
  ctx.log("tree written");
}

/** src → tree, src → left → join: four stages in topological order. */
const graph = (): StageDef[] => [
  stage("src"),
  stage("tree", { deps: ["src"], run: treeRun }),
  stage("left", { deps: ["src"] }),
  stage("join", { deps: ["left"] }),
];

async function go(graph: StageDef[], remote: RemoteCacheOptions, cacheDir = newCacheDir(), extra: Partial<BuildOptions> = {}) {
  runs.clear();
  const events: EngineEvent[] = [];
  const summary = await build(graph, { cacheDir, root, concurrency: 1, remote, onEvent: (e) => events.push(e), ...extra });
  const status = Object.fromEntries(summary.stages.map((s) => [s.id, s.status]));
  const key = Object.fromEntries(summary.stages.map((s) => [s.id, s.key]));
  return { summary, events, status, key, cacheDir };
}

/** path → bytes (base64) of every file, and the empty dirs. */
function tree(dir: string) {
  const { files, emptyDirs } = walkTree(dir);
  return { files: Object.fromEntries(files.map((f) => [f, readFileSync(join(dir, f)).toString("base64")])), emptyDirs };
}

const remoteEvents = (events: EngineEvent[]) =>
  events.flatMap((e) => (e.type === "stage-remote" ? [`${e.action} ${e.id}`] : e.type === "stage-cached" ? [`cached ${e.id} from ${e.source}`] : []));

describe.skipIf(!entry)("with a turborepo-remote-cache server", () => {
  const opts = (team: string, o: Partial<RemoteCacheOptions> = {}): RemoteCacheOptions => ({ url: server.url, token: TOKEN, team, ...o });

  test("a build uploads what it runs; an empty cache dir then gets every stage from the remote, runs nothing, and has byte-identical outputs", async () => {
    const team = newTeam();
    const a = await go(graph(), opts(team));
    expect(a.status).toEqual({ src: "done", tree: "done", left: "done", join: "done" });
    expect(a.summary.remote).toEqual({ url: server.url, hits: 0, uploads: 4, errors: 0, rejected: 0 });
    expect(a.summary.stages.map((s) => s.remote)).toEqual(["uploaded", "uploaded", "uploaded", "uploaded"]);
    expect(readdirSync(join(root, "server", team)).sort()).toEqual(Object.values(a.key).sort());

    const b = await go(graph(), opts(team));
    expect(runs.size).toBe(0);
    expect(b.status).toEqual({ src: "cached", tree: "cached", left: "cached", join: "cached" });
    expect(remoteEvents(b.events)).toEqual(["hit src", "cached src from remote", "hit tree", "cached tree from remote", "hit left", "cached left from remote", "hit join", "cached join from remote"]);
    expect(b.summary.remote).toEqual({ url: server.url, hits: 4, uploads: 0, errors: 0, rejected: 0 });
    for (const i of [0, 1, 2, 3]) expect(tree(b.summary.stages[i]!.outDir!)).toEqual(tree(a.summary.stages[i]!.outDir!));
    expect(tree(b.summary.stages[1]!.outDir!).emptyDirs).toEqual(["empty"]);
    expect(b.events.filter((e) => e.type === "stage-log" && e.replay).map((e) => e.type === "stage-log" && `${e.id}: ${e.line}`)).toContain("tree: tree written");

    const c = await go(graph(), opts(team), b.cacheDir);
    expect(remoteEvents(c.events)).toEqual(["cached src from local", "cached tree from local", "cached left from local", "cached join from local"]);
  }, SLOW);

  test("a machineDependent stage and everything downstream of it are neither uploaded nor downloaded", async () => {
    const team = newTeam();
    const g = (): StageDef[] => [stage("src"), { ...stage("timed", { deps: ["src"] }), machineDependent: true }, stage("after", { deps: ["timed"] }), stage("other", { deps: ["src"] })];
    const a = await go(g(), opts(team));
    expect(a.summary.remote?.uploads).toBe(2);
    expect(readdirSync(join(root, "server", team)).sort()).toEqual([a.key.src, a.key.other].sort());

    const b = await go(g(), opts(team));
    expect([...runs.keys()].sort()).toEqual(["after", "timed"]);
    expect(remoteEvents(b.events)).toEqual(["hit src", "cached src from remote", "hit other", "cached other from remote"]);
    expect(b.summary.remote).toEqual({ url: server.url, hits: 2, uploads: 0, errors: 0, rejected: 0 });
  }, SLOW);

  test("a corrupted artifact on the server is rejected and counted, its stage runs locally, and the upload repairs it", async () => {
    const team = newTeam();
    const a = await go(graph(), opts(team));
    const stored = server.artifactPath(team, a.key.tree);
    const bytes = readFileSync(stored);
    bytes[bytes.length - 1]! ^= 0xff; // inside sub/deep/b.bin, the last file
    writeFileSync(stored, bytes);

    const b = await go(graph(), opts(team));
    expect([...runs.keys()]).toEqual(["tree"]);
    expect(b.summary.ok).toBe(true);
    expect(b.summary.remote).toEqual({ url: server.url, hits: 3, uploads: 1, errors: 0, rejected: 1 });
    const rejected = b.events.find((e) => e.type === "stage-remote" && e.action === "rejected");
    expect(rejected?.type === "stage-remote" && rejected.detail).toStartWith(`artifact ${a.key.tree.slice(0, 12)}… rejected: file "sub/deep/b.bin" has digest `);
    expect(tree(b.summary.stages[1]!.outDir!)).toEqual(tree(a.summary.stages[1]!.outDir!));

    const c = await go(graph(), opts(team));
    expect(c.summary.remote?.hits).toBe(4);
    expect(runs.size).toBe(0);
  }, SLOW);

  test("a wrong token builds locally and reports one line naming the URL, the status and a hint", async () => {
    const team = newTeam();
    const a = await go(graph(), opts(team, { token: "wrong" }));
    expect(a.summary.ok).toBe(true);
    expect(runs.size).toBe(4);
    const errors = a.events.filter((e) => e.type === "remote-error");
    expect(errors.length).toBe(1);
    const line = `remote cache off for this build, building locally: GET ${server.url}/v8/artifacts/${a.key.src}?teamId=${team} answered 401: Unauthorized, "Invalid authorization token". Hint: the server refused the token; check remote.token (and that it may use this team)`;
    expect(errors[0]).toEqual({ type: "remote-error", id: "src", key: a.key.src, url: `${server.url}/v8/artifacts/${a.key.src}?teamId=${team}`, status: 401, message: line, fallback: "local" });
    expect(a.summary.remote).toEqual({ url: server.url, hits: 0, uploads: 0, errors: 1, rejected: 0, error: line });
  }, SLOW);

  test("with fallback error a wrong token fails the build with that message and runs nothing", async () => {
    const team = newTeam();
    const a = await go([...graph(), stage("solo")], opts(team, { token: "wrong", fallback: "error" }));
    expect(a.summary.ok).toBe(false);
    expect(runs.size).toBe(0);
    expect(a.status).toEqual({ src: "failed", tree: "skipped", left: "skipped", join: "skipped", solo: "skipped" });
    const message = `remote cache: GET ${server.url}/v8/artifacts/${a.key.src}?teamId=${team} answered 401: Unauthorized, "Invalid authorization token". Hint: the server refused the token; check remote.token (and that it may use this team)`;
    expect(a.summary.stages[0]!.error).toBe(message);
    expect(a.summary.stages.find((s) => s.id === "solo")!.reason).toBe("build stopped: the remote cache failed");
    expect(a.summary.remote?.error).toBe(message);
  }, SLOW);

  test("upload false reads from the remote and never writes to it", async () => {
    const team = newTeam();
    await go([stage("src")], opts(team));
    const b = await go(graph(), opts(team, { upload: false }));
    expect(b.summary.remote).toEqual({ url: server.url, hits: 1, uploads: 0, errors: 0, rejected: 0 });
    expect(readdirSync(join(root, "server", team))).toEqual([b.key.src]);
  }, SLOW);

  test("a read-only server: the first refused upload is reported once and ends uploads, not downloads; with fallback error it fails the build", async () => {
    const readOnly = await startCacheServer({ entry: entry!, storageDir: join(root, "server-ro"), token: TOKEN, env: { READ_ONLY: "true" } });
    try {
      const team = newTeam();
      const ro = (o: Partial<RemoteCacheOptions> = {}): RemoteCacheOptions => ({ url: readOnly.url, token: TOKEN, team, ...o });
      // A writer uploaded "left" earlier (to the other server; its stored file is copied over).
      const left = await go([stage("src"), stage("left", { deps: ["src"] })], opts(team));
      mkdirSync(join(root, "server-ro", team), { recursive: true });
      writeFileSync(readOnly.artifactPath(team, left.key.left), readFileSync(server.artifactPath(team, left.key.left)));

      const a = await go(graph(), ro());
      expect(a.summary.ok).toBe(true);
      expect(a.status).toEqual({ src: "done", tree: "done", left: "cached", join: "done" });
      expect(remoteEvents(a.events)).toEqual(["hit left", "cached left from remote"]);
      const line = `remote cache uploads off for this build: PUT ${readOnly.url}/v8/artifacts/${a.key.src}?teamId=${team} answered 403: Forbidden, "Remote cache is running in read-only mode". Hint: the server takes no uploads from this token (a read-only server or token); set remote.upload to false`;
      expect(a.events.flatMap((e) => (e.type === "remote-error" ? [e.message] : []))).toEqual([line]);
      expect(a.summary.remote).toEqual({ url: readOnly.url, hits: 1, uploads: 0, errors: 1, rejected: 0, error: line });

      const b = await go([stage("other")], ro({ fallback: "error" }));
      expect(b.status).toEqual({ other: "done" });
      expect(b.summary.ok).toBe(false);
      expect(b.summary.remote?.error).toStartWith(`remote cache: PUT ${readOnly.url}/v8/artifacts/${b.key.other}?teamId=${team} answered 403`);
    } finally {
      await readOnly.stop();
    }
  }, SLOW);

  test("HEAD tells whether the server holds an artifact; a request without a team is refused with a hint about team and slug", async () => {
    const team = newTeam();
    const a = await go([stage("src")], opts(team));
    const client = new RemoteCacheClient(opts(team));
    expect(await client.exists(a.key.src)).toBe(true);
    expect(await client.exists("0".repeat(64))).toBe(false);
    const noTeam = new RemoteCacheClient({ url: `${server.url}/`, token: TOKEN });
    await expect(noTeam.exists(a.key.src)).rejects.toThrow(
      `remote cache: HEAD ${server.url}/v8/artifacts/${a.key.src} answered 400: Bad Request. Hint: the server rejected the request; check remote.team / remote.slug (turborepo-remote-cache needs one of them)`,
    );
  }, SLOW);
});

test("an unreachable URL builds locally and reports it once, with the URL and a hint", async () => {
  const url = `http://127.0.0.1:${await freePort()}`;
  const a = await go(graph(), { url, token: TOKEN, team: "t" });
  expect(a.summary.ok).toBe(true);
  expect(runs.size).toBe(4);
  const errors = a.events.flatMap((e) => (e.type === "remote-error" ? [e.message] : []));
  expect(errors.length).toBe(1);
  expect(errors[0]).toStartWith(`remote cache off for this build, building locally: GET ${url}/v8/artifacts/${a.key.src}?teamId=t failed: ECONNREFUSED`);
  expect(errors[0]).toEndWith(`. Hint: is a Turborepo remote cache server running at ${url}? Check the URL, or build without the remote cache`);
  expect(a.summary.remote).toMatchObject({ hits: 0, uploads: 0, errors: 1 });
}, SLOW);

test("a server that does not answer within timeoutMs is reported as a timeout", async () => {
  const silent = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Promise<Response>(() => {}) });
  try {
    const url = `http://127.0.0.1:${silent.port}`;
    const a = await go([stage("src")], { url, token: TOKEN, team: "t", timeoutMs: 200 });
    expect(a.status).toEqual({ src: "done" });
    expect(a.summary.remote?.error).toBe(
      `remote cache off for this build, building locally: GET ${url}/v8/artifacts/${a.key.src}?teamId=t failed: no answer within 200 ms. Hint: check that the server is up and reachable, or raise remote.timeoutMs`,
    );
  } finally {
    silent.stop(true);
  }
}, SLOW);
