// Cross-process safety: a build killed mid-write leaves nothing visible and the next build redoes the stage; two
// processes building the same graph at once both succeed with exactly one execution per stage.
import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BuildSummary } from "./types.ts";

const root = mkdtempSync(join(tmpdir(), "lathe-proc-"));
const spawned: { kill(): void; exited: Promise<number> }[] = [];
afterAll(async () => {
  for (const p of spawned) p.kill(); // a failed test must not leave a child building into the removed dir
  await Promise.all(spawned.map((p) => p.exited));
  rmSync(root, { recursive: true, force: true });
});
const child = join(import.meta.dir, "test-build-child.ts");

/** A child build whose stdout is collected as it comes, so a test can wait for a line and still get the rest. */
function spawnBuild(cacheDir: string, mode: "slow" | "pair", counter: string) {
  const proc = Bun.spawn(["bun", child, cacheDir, mode], { stdout: "pipe", stderr: "pipe", env: { ...process.env, LATHE_TEST_COUNTER: counter } });
  spawned.push(proc);
  let stdout = "";
  let ended = false;
  const drained = (async () => {
    const dec = new TextDecoder();
    for await (const chunk of proc.stdout) stdout += dec.decode(chunk, { stream: true });
    ended = true;
  })();
  return {
    proc,
    async waitFor(text: string): Promise<void> {
      while (!stdout.includes(text)) {
        if (ended) throw new Error(`child ended before printing "${text}": ${stdout}`);
        await Bun.sleep(5);
      }
    },
    async result(): Promise<{ summary: BuildSummary; stdout: string }> {
      const [, err, code] = await Promise.all([drained, new Response(proc.stderr).text(), proc.exited]);
      if (code !== 0) throw new Error(`child exited ${code}: ${err}`);
      return { summary: JSON.parse(stdout.trim().split("\n").at(-1)!) as BuildSummary, stdout };
    },
  };
}

async function summaryOf(c: ReturnType<typeof spawnBuild>): Promise<BuildSummary> {
  return (await c.result()).summary;
}

function countLines(file: string): Record<string, number> {
  const out: Record<string, number> = {};
  if (!existsSync(file)) return out;
  for (const line of readFileSync(file, "utf8").trim().split("\n")) {
    const id = line.split(" ")[0]!;
    out[id] = (out[id] ?? 0) + 1;
  }
  return out;
}

test("a stage killed mid-write (SIGKILL) leaves no visible output, and the next build redoes it", async () => {
  const cacheDir = join(root, "kill");
  const counter = join(root, "kill.count");
  const p = spawnBuild(cacheDir, "slow", counter);
  await p.waitFor("first chunk written"); // mid-write: then kill without warning
  p.proc.kill("SIGKILL");
  await p.proc.exited;
  expect(existsSync(join(cacheDir, "stages"))).toBe(false);
  const tmp = readdirSync(join(cacheDir, "tmp"));
  expect(tmp.length).toBe(1); // the private run dir: present but never published
  expect(statSync(join(cacheDir, "tmp", tmp[0]!, "out", "big.bin")).size).toBeLessThan(150 * 65536);
  expect(readdirSync(join(cacheDir, "locks"))).toHaveLength(1); // stale lock of the dead pid

  const again = await summaryOf(spawnBuild(cacheDir, "slow", counter));
  expect(again.stages.map((s) => s.status)).toEqual(["done"]);
  expect(statSync(join(again.stages[0]!.outDir!, "big.bin")).size).toBe(150 * 65536);
  expect(countLines(counter)).toEqual({ slow: 2 });
  expect(readdirSync(join(cacheDir, "tmp"))).toEqual([]); // the dead run's dir was swept
  expect(readdirSync(join(cacheDir, "locks"))).toEqual([]);
}, 30_000);

test("two processes building the same graph at once both succeed and each stage runs exactly once", async () => {
  const cacheDir = join(root, "pair");
  const counter = join(root, "pair.count");
  const [a, b] = await Promise.all([summaryOf(spawnBuild(cacheDir, "pair", counter)), summaryOf(spawnBuild(cacheDir, "pair", counter))]);
  expect(a.ok && b.ok).toBe(true);
  expect(countLines(counter)).toEqual({ first: 1, second: 1 });
  expect(a.stages.map((s) => s.outDir)).toEqual(b.stages.map((s) => s.outDir));
  const statuses = [...a.stages, ...b.stages].map((s) => s.status).sort();
  expect(statuses).toEqual(["cached", "cached", "done", "done"]);
  expect(readFileSync(join(a.stages[1]!.outDir!, "out.txt"), "utf8")).toBe("first|second");
}, 30_000);

test("a process that finds a stage being built by another waits for it, then uses its result", async () => {
  const cacheDir = join(root, "wait");
  const counter = join(root, "wait.count");
  const a = spawnBuild(cacheDir, "pair", counter);
  await a.waitFor("log first started"); // a holds the lock of "first" now
  const [ra, rb] = await Promise.all([a.result(), spawnBuild(cacheDir, "pair", counter).result()]);
  expect(rb.stdout).toContain("log first waiting for another build of this stage (pid ");
  expect([ra.summary.stages[0]!.status, rb.summary.stages[0]!.status]).toEqual(["done", "cached"]);
  expect([ra.summary.stages[1]!.status, rb.summary.stages[1]!.status].sort()).toEqual(["cached", "done"]);
  expect(countLines(counter)).toEqual({ first: 1, second: 1 });
}, 30_000);
