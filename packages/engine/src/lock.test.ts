// The per-key lock: one holder at a time, waiters get it on release, stale locks (dead pid, stopped heartbeat) break.
import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HOST, processStartTime } from "./fs-util.ts";
import { STALE_MS, acquireLock } from "./lock.ts";

const dir = mkdtempSync(join(tmpdir(), "lathe-lock-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("a second taker waits until the first releases", async () => {
  const file = join(dir, "a.lock");
  const first = await acquireLock(file);
  let waitedFor: number | undefined;
  let got = false;
  const second = acquireLock(file, { onWait: (h) => (waitedFor = h?.pid) }).then((l) => {
    got = true;
    return l;
  });
  await Bun.sleep(60);
  expect(got).toBe(false);
  expect(waitedFor).toBe(process.pid);
  first.release();
  (await second).release();
  expect(got).toBe(true);
  expect(existsSync(file)).toBe(false);
});

test("a lock held by a dead pid on this host is broken at once", async () => {
  const file = join(dir, "dead.lock");
  const dead = Bun.spawnSync(["true"]).pid; // exited: its pid is free (or reused, then the heartbeat decides)
  writeFileSync(file, JSON.stringify({ pid: dead, host: HOST, token: "t-dead", since: Date.now() }));
  const l = await acquireLock(file);
  l.release();
});

test("a lock whose heartbeat stopped (another host) is broken after STALE_MS", async () => {
  const file = join(dir, "remote.lock");
  writeFileSync(file, JSON.stringify({ pid: 1, host: "some-other-host", token: "t-remote", since: 0 }));
  const old = new Date(Date.now() - STALE_MS - 1000);
  utimesSync(file, old, old);
  const l = await acquireLock(file);
  l.release();
});

test("a fresh lock of a live holder on another host is waited for, and the wait can be aborted", async () => {
  const file = join(dir, "live.lock");
  writeFileSync(file, JSON.stringify({ pid: 1, host: "some-other-host", token: "t-live", since: Date.now() }));
  const ac = new AbortController();
  setTimeout(() => ac.abort(new Error("gave up")), 50);
  await expect(acquireLock(file, { signal: ac.signal })).rejects.toThrow("gave up");
  expect(existsSync(file)).toBe(true);
});

test("a lock left by an earlier process with our pid (pid reused) is broken", async () => {
  const file = join(dir, "reused.lock");
  writeFileSync(file, JSON.stringify({ pid: process.pid, host: HOST, token: "t-old-life", since: 0 }));
  (await acquireLock(file)).release();
});

test.skipIf(processStartTime(process.pid) === null)("a lock of a live local process whose start time differs (pid reused) is broken", async () => {
  const file = join(dir, "reused2.lock");
  const live = Bun.spawn(["sleep", "5"]);
  try {
    writeFileSync(file, JSON.stringify({ pid: live.pid, host: HOST, token: "t-x", since: 0, start: "1" }));
    (await acquireLock(file)).release();
  } finally {
    live.kill();
  }
});
