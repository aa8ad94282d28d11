// Small filesystem helpers: atomic writes (temp + rename), tree walks, forced removal of read-only trees, pid checks.

import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { hostname } from "node:os";

let counter = 0;

/** A name unique across processes and calls, for temp files and dirs. */
export function uniqueSuffix(): string {
  return `${process.pid}.${Date.now().toString(36)}.${(counter++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

/** Write a file so readers see either the old or the new content, never a part. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${uniqueSuffix()}`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, JSON.stringify(value));
}

/** Parse a JSON file, or null when it is missing or unreadable. */
export function readJsonOrNull<T>(file: string): T | null {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as T;
  } catch {
    return null;
  }
}

/** Relative paths (with "/") of every regular file and of every empty directory under root, sorted. */
export function walkTree(root: string): { files: string[]; emptyDirs: string[] } {
  const files: string[] = [];
  const emptyDirs: string[] = [];
  const visit = (rel: string): void => {
    const abs = rel === "" ? root : join(root, rel);
    const names = readdirSync(abs).sort();
    if (names.length === 0 && rel !== "") emptyDirs.push(rel);
    for (const name of names) {
      const r = rel === "" ? name : `${rel}/${name}`;
      const st = lstatSync(join(root, r));
      if (st.isDirectory()) visit(r);
      else files.push(r); // symlinks and other entries are read through (stat follows them)
    }
  };
  visit("");
  return { files, emptyDirs };
}

/** rm -rf that also works on trees made read-only (published outputs are 0444 files in 0555 dirs). */
export function removeTree(path: string): void {
  if (!existsSync(path)) return;
  try {
    rmSync(path, { recursive: true, force: true });
  } catch {
    makeWritable(path);
    rmSync(path, { recursive: true, force: true });
  }
}

function makeWritable(path: string): void {
  const st = lstatSync(path, { throwIfNoEntry: false });
  if (!st || !st.isDirectory()) return;
  chmodSync(path, 0o755);
  for (const name of readdirSync(path)) makeWritable(join(path, name));
}

/** Mark a published tree read-only: files 0444, directories 0555. */
export function makeReadOnly(path: string): void {
  const st = lstatSync(path);
  if (st.isDirectory()) {
    for (const name of readdirSync(path)) makeReadOnly(join(path, name));
    chmodSync(path, 0o555);
  } else if (st.isFile()) chmodSync(path, 0o444);
}

/** Whether a process with this pid exists on this machine. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === "EPERM";
  }
}

export const HOST = hostname();

/**
 * A process's start time (clock ticks since boot, from /proc/<pid>/stat on Linux), or null where unavailable. With the
 * pid it names one process for good: a reused pid has a different start time.
 */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Field 2 (comm) may contain spaces and parens; fields after the last ")" are space-separated, starttime is 22nd.
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return rest[19] ?? null;
  } catch {
    return null;
  }
}
