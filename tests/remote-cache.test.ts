// End-to-end: `lathe build --remote-cache` against the real Turborepo remote cache server (npm turborepo-remote-cache,
// started here on 127.0.0.1 and stopped after): one machine uploads, a second with an empty cache downloads every
// stage instead of building it; a URL without a token is a usage error naming LATHE_REMOTE_TOKEN.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CacheServer, serverEntry, startCacheServer } from "../packages/engine/src/remote/test-server.ts";

const ROOT = join(import.meta.dir, "..");
const MAIN = join(ROOT, "packages/cli/src/main.ts");
const MODEL = "tests/fixtures/cli/tiny-model.yaml";
const entry = serverEntry();
if (!entry) console.log("remote-cache e2e: skipped, turborepo-remote-cache is not installed (bun install installs it)");
setDefaultTimeout(120_000);

const tmp = mkdtempSync(join(tmpdir(), "lathe-remote-e2e-"));
let server: CacheServer | undefined;
beforeAll(async () => {
  if (entry) server = await startCacheServer({ entry, storageDir: join(tmp, "server"), token: "secret" });
});
afterAll(async () => {
  await server?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

function lathe(cache: string, env: Record<string, string>, ...args: string[]) {
  const p = Bun.spawnSync(["bun", MAIN, ...args], { cwd: ROOT, env: { ...process.env, LATHE_CACHE: cache, CI: "1", NO_COLOR: "1", ...env }, stdout: "pipe", stderr: "pipe" });
  return { code: p.exitCode ?? -1, stdout: p.stdout.toString(), stderr: p.stderr.toString() };
}

describe("lathe build --remote-cache", () => {
  test.skipIf(!entry)("a second machine with an empty cache downloads every stage the first one uploaded", () => {
    const env = { LATHE_REMOTE_TOKEN: "secret", LATHE_REMOTE_TEAM: "lathe" };
    const first = lathe(join(tmp, "a"), env, "build", MODEL, "--plain", "--remote-cache", server!.url);
    expect(first.code).toBe(0);
    expect(first.stdout.match(/^uploaded /gm)?.length).toBe(7);
    const second = lathe(join(tmp, "b"), env, "build", MODEL, "--plain", "--remote-cache", server!.url);
    expect(second.code).toBe(0);
    expect(second.stdout.match(/^remote {3}\S+$/gm)?.map((l) => l.split(/\s+/)[1]).sort()).toEqual(["clean", "collect", "eval", "pack", "sample", "tokenizer", "train"]);
    expect(second.stdout).not.toMatch(/^start /m);
  });

  test("a remote cache URL without a token exits 2 naming LATHE_REMOTE_TOKEN", () => {
    const r = lathe(join(tmp, "c"), { LATHE_REMOTE_TOKEN: "" }, "build", MODEL, "--remote-cache", "http://127.0.0.1:9");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("lathe build: the remote cache http://127.0.0.1:9 needs a token. Hint: set LATHE_REMOTE_TOKEN (the server's TURBO_TOKEN)\n");
  });
});
