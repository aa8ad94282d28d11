// A cross-process lock file per key. Created atomically with its content (write temp, then link(2), which fails if
// the lock exists). The holder refreshes the file's mtime as a heartbeat. On the same host a lock is stale when its
// process is gone (pid dead, or pid reused: different start time); from another host (shared cache dir) when its
// heartbeat stopped for STALE_MS. A live local holder is never broken, however long a stage blocks its event loop.
// A stale lock is broken by renaming it away. Correctness does not rest on the lock:
// publishing is an atomic rename, so even two builders of one key (after a lost race) cannot corrupt the store.

import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { HOST, pidAlive, processStartTime, uniqueSuffix } from "./fs-util.ts";

export const HEARTBEAT_MS = 2_000;
export const STALE_MS = 15_000;

export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly token: string;
  readonly since: number;
  /** processStartTime(pid) when the lock was taken (null where /proc is unavailable). */
  readonly start?: string | null;
}

const MY_START = processStartTime(process.pid);
/** Tokens of locks this process holds: a lock with our pid but another token is left from a previous life of the pid. */
const held = new Set<string>();

export interface Lock {
  readonly file: string;
  release(): void;
}

/**
 * One attempt: the lock, or (when a live process holds it) that holder. A stale lock is broken first. The scheduler
 * uses this so a stage whose key another build holds waits without taking a slot.
 */
export function tryLock(file: string): { readonly lock: Lock } | { readonly holder: LockHolder | null } {
  mkdirSync(dirname(file), { recursive: true });
  for (;;) {
    const token = uniqueSuffix();
    if (tryCreate(file, { pid: process.pid, host: HOST, token, since: Date.now(), start: MY_START })) return { lock: hold(file, token) };
    const holder = readHolder(file);
    if (!isStale(file, holder)) return { holder };
    breakLock(file, holder);
  }
}

/** Take the lock, waiting (polling) while a live process holds it. Rejects if signal aborts while waiting. */
export async function acquireLock(file: string, opts: { signal?: AbortSignal; onWait?(holder: LockHolder | null): void } = {}): Promise<Lock> {
  mkdirSync(dirname(file), { recursive: true });
  let waited = false;
  let delay = 20;
  for (;;) {
    const token = uniqueSuffix();
    if (tryCreate(file, { pid: process.pid, host: HOST, token, since: Date.now(), start: MY_START })) return hold(file, token);
    const holder = readHolder(file);
    if (isStale(file, holder)) {
      breakLock(file, holder);
      continue;
    }
    if (!waited) {
      waited = true;
      opts.onWait?.(holder);
    }
    if (opts.signal?.aborted) throw opts.signal.reason ?? new Error("aborted");
    await Bun.sleep(delay);
    delay = Math.min(delay * 2, 250);
  }
}

function tryCreate(file: string, holder: LockHolder): boolean {
  const tmp = `${file}.new-${holder.token}`;
  writeFileSync(tmp, JSON.stringify(holder));
  try {
    linkSync(tmp, file);
    return true;
  } catch (e) {
    if ((e as { code?: string }).code === "EEXIST") return false;
    throw e;
  } finally {
    rmSync(tmp, { force: true });
  }
}

function readHolder(file: string): LockHolder | null {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as LockHolder;
  } catch {
    return null;
  }
}

function isStale(file: string, holder: LockHolder | null): boolean {
  let mtime: number;
  try {
    mtime = statSync(file).mtimeMs;
  } catch {
    return false; // gone: the next try creates it
  }
  if (holder && holder.host === HOST) {
    if (holder.pid === process.pid) return !held.has(holder.token);
    if (!pidAlive(holder.pid)) return true;
    const start = processStartTime(holder.pid);
    return Boolean(holder.start && start && start !== holder.start);
  }
  return Date.now() - mtime > STALE_MS;
}

/** Rename the stale lock away; if what we moved turns out to be a fresh lock (lost a race), put it back. */
function breakLock(file: string, stale: LockHolder | null): void {
  const aside = `${file}.stale-${uniqueSuffix()}`;
  try {
    renameSync(file, aside);
  } catch {
    return;
  }
  const moved = readHolder(aside);
  if (moved && (!stale || moved.token !== stale.token)) {
    try {
      linkSync(aside, file);
    } catch {
      // Someone created a new lock meanwhile; the displaced holder's publish is still atomic.
    }
  }
  rmSync(aside, { force: true });
}

function hold(file: string, token: string): Lock {
  held.add(token);
  const beat = setInterval(() => {
    const now = new Date();
    try {
      utimesSync(file, now, now);
    } catch {
      // Lock broken by someone else: nothing to refresh.
    }
  }, HEARTBEAT_MS);
  beat.unref?.();
  let released = false;
  return {
    file,
    release() {
      if (released) return;
      released = true;
      held.delete(token);
      clearInterval(beat);
      if (readHolder(file)?.token === token) rmSync(file, { force: true });
    },
  };
}
