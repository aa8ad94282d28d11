// The content-addressed store under cacheDir:
//   blobs/<2 hex>/<digest>      output file contents, read-only, shared by every entry that has the same bytes
//   stages/<key>/manifest.json  what an entry holds (outputs, digests, sizes, logs, metrics, key record, times)
//   stages/<key>/out/           the entry's outputs: hardlinks to blobs, read-only (what downstream stages read)
//   last/<id hash>.json         per stage id: the key record of its last successful build (for explain)
//   locks/<key>.lock            one builder per key across processes (see lock.ts)
//   scratch/<key>/              ctx.scratchDir: survives failed/killed runs, removed after success
//   tmp/<key>.<pid>.<...>/      a run's private outDir; renamed to stages/<key> in one step when the run succeeds
//   runs/<time>-<pid>.json      one summary per build
//   statcache.json              path → (size, mtime, inode, digest)
// An entry becomes visible by a single directory rename, so a partial write is never visible.

import { copyFileSync, existsSync, linkSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync, chmodSync } from "node:fs";
import { dirname, join } from "node:path";
import { sha256Hex } from "./canonical.ts";
import { hashFile } from "./digest.ts";
import { makeReadOnly, pidAlive, readJsonOrNull, removeTree, uniqueSuffix, walkTree, writeJsonAtomic } from "./fs-util.ts";
import type { KeyRecord } from "./keys.ts";

export const MANIFEST_FORMAT = 1;
/** Logs kept per entry; beyond this the oldest lines are dropped (and counted). */
export const MAX_LOG_LINES = 10_000;
export const MAX_METRICS = 100_000;

export interface OutputFile {
  /** Relative to the entry's out/ dir, "/"-separated. */
  readonly path: string;
  readonly digest: string;
  readonly size: number;
}

export interface Manifest {
  readonly format: number;
  readonly key: string;
  readonly record: KeyRecord;
  readonly outputs: readonly OutputFile[];
  readonly emptyDirs: readonly string[];
  readonly durationMs: number;
  readonly createdAt: number;
  readonly logs: readonly string[];
  readonly logsDropped: number;
  readonly metrics: readonly { readonly name: string; readonly value: number; readonly step?: number }[];
}

/** The last successful build of one stage id. */
export interface LastBuild {
  readonly key: string;
  readonly builtAt: number;
  readonly record: KeyRecord;
}

export class Store {
  constructor(readonly dir: string) {}

  entryDir(key: string): string {
    return join(this.dir, "stages", key);
  }
  manifestPath(key: string): string {
    return join(this.dir, "stages", key, "manifest.json");
  }
  outDir(key: string): string {
    return join(this.dir, "stages", key, "out");
  }
  blobPath(digest: string): string {
    return join(this.dir, "blobs", digest.slice(0, 2), digest);
  }
  lockPath(key: string): string {
    return join(this.dir, "locks", `${key}.lock`);
  }
  scratchDir(key: string): string {
    return join(this.dir, "scratch", key);
  }
  lastPath(id: string): string {
    return join(this.dir, "last", `${sha256Hex(id).slice(0, 32)}.json`);
  }

  has(key: string): boolean {
    return existsSync(this.manifestPath(key));
  }

  readManifest(key: string): Manifest | null {
    return readJsonOrNull<Manifest>(this.manifestPath(key));
  }

  /** Record a use (the manifest's mtime is the entry's last-used time, for LRU gc). */
  touch(key: string): void {
    const now = new Date();
    try {
      utimesSync(this.manifestPath(key), now, now);
    } catch {
      // Evicted meanwhile, or a read-only store: last-used time is advisory.
    }
  }

  readLast(id: string): LastBuild | null {
    return readJsonOrNull<LastBuild>(this.lastPath(id));
  }

  writeLast(id: string, key: string, record: KeyRecord): void {
    writeJsonAtomic(this.lastPath(id), { key, builtAt: Date.now(), record } satisfies LastBuild);
  }

  /** A fresh private run directory; the stage writes into `<it>/out`. */
  newRunDir(key: string): string {
    const dir = join(this.dir, "tmp", `${key}.${uniqueSuffix()}`);
    mkdirSync(join(dir, "out"), { recursive: true });
    return dir;
  }

  /**
   * Move a finished run's outputs into the store: each file into its blob (deduped by digest) and back as a hardlink,
   * the tree made read-only, the manifest written, then the whole run dir renamed to stages/<key> in one step.
   * If another process published the key first, ours is dropped and theirs is used.
   */
  async publish(runDir: string, key: string, fields: Omit<Manifest, "format" | "key" | "outputs" | "emptyDirs" | "createdAt">): Promise<string> {
    const out = join(runDir, "out");
    const { files, emptyDirs } = walkTree(out);
    const outputs: OutputFile[] = [];
    for (const rel of files) {
      const abs = join(out, rel);
      const digest = await hashFile(abs);
      const blob = this.blobPath(digest);
      const lst = lstatSync(abs);
      const isBlob = !lst.isSymbolicLink() && existsSync(blob) && statSync(blob).ino === lst.ino; // linked from upstream
      // A symlink, or a hardlink to a file outside the store (a stage may link an input it passes through): take a
      // private copy, so a blob can never change when that other file is edited in place.
      if (!isBlob && (lst.isSymbolicLink() || lst.nlink > 1)) {
        const tmp = `${abs}.copy-${uniqueSuffix()}`;
        copyFileSync(abs, tmp); // follows a symlink
        renameSync(tmp, abs);
      }
      const size = statSync(abs).size;
      chmodSync(abs, 0o444);
      if (!existsSync(blob)) {
        mkdirSync(dirname(blob), { recursive: true });
        const tmp = `${blob}.in-${uniqueSuffix()}`;
        linkSync(abs, tmp); // the blob shares our file's inode: no copy
        renameSync(tmp, blob); // a blob is complete or absent
      } else if (!isBlob) {
        // Same bytes already stored: point our file at the shared blob. If that fails (blob just gc'd, too many
        // links), our own copy stays: still correct, just not deduplicated.
        const tmp = `${abs}.link-${uniqueSuffix()}`;
        try {
          linkSync(blob, tmp);
          renameSync(tmp, abs);
        } catch {
          rmSync(tmp, { force: true });
        }
      }
      outputs.push({ path: rel, digest, size });
    }
    makeReadOnly(out);
    const manifest: Manifest = { format: MANIFEST_FORMAT, key, outputs, emptyDirs, createdAt: Date.now(), ...fields };
    writeFileSync(join(runDir, "manifest.json"), JSON.stringify(manifest));
    mkdirSync(join(this.dir, "stages"), { recursive: true });
    try {
      renameSync(runDir, this.entryDir(key));
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code !== "ENOTEMPTY" && code !== "EEXIST") throw e;
      removeTree(runDir); // published by someone else meanwhile: same key, same meaning
    }
    return this.outDir(key);
  }

  /** Remove an entry: renamed away first (so it vanishes in one step), then deleted. */
  removeEntry(key: string): boolean {
    const trash = join(this.dir, "tmp", `gc-${key}.${uniqueSuffix()}`);
    mkdirSync(dirname(trash), { recursive: true });
    try {
      renameSync(this.entryDir(key), trash);
    } catch {
      return false;
    }
    removeTree(trash);
    return true;
  }

  /** Delete run dirs left by processes that died (killed mid-run). Their outputs were never visible. */
  sweepDeadRunDirs(): void {
    const tmp = join(this.dir, "tmp");
    let names: string[];
    try {
      names = readdirSync(tmp);
    } catch {
      return;
    }
    for (const name of names) {
      const m = /\.(\d+)\.[0-9a-z]+\.[0-9a-z]+$/.exec(name);
      const pid = m ? Number(m[1]) : NaN;
      if (Number.isFinite(pid) && pid !== process.pid && !pidAlive(pid)) removeTree(join(tmp, name)); // run dirs and gc trash
    }
  }

  /** Every key with a published entry. */
  keys(): string[] {
    try {
      return readdirSync(join(this.dir, "stages")).filter((k) => this.has(k));
    } catch {
      return [];
    }
  }
}

