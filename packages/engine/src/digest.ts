// Content digests of files and bytes: 128 bits from two independent fast hashes (xxHash3 + wyhash, ~10 GB/s in
// memory), computed over fixed 8 MiB chunks and combined, so files stream through one reused buffer and are never read
// whole. A StatCache (size, mtime, inode → digest) persisted in the store skips rehashing unchanged files.

import { open } from "node:fs/promises";
import { statSync, readFileSync, type Stats } from "node:fs";
import { join } from "node:path";
import { writeJsonAtomic } from "./fs-util.ts";

/** Fixed chunk size: the digest of a file depends on it, so it is part of the format (digest version "c1"). */
export const CHUNK_BYTES = 8 << 20;

/** 32 hex chars = 128 bits. */
export function hashBytes(bytes: Uint8Array): string {
  return hex64(Bun.hash.xxHash3(bytes, 0x9e3779b97f4a7c15n)) + hex64(BigInt(Bun.hash.wyhash(bytes, 0x2545f4914f6cdd1dn)));
}

function hex64(n: bigint | number): string {
  return BigInt.asUintN(64, BigInt(n)).toString(16).padStart(16, "0");
}

/** Counts real content hashing (not stat-cache hits); tests use it to prove the cache works. */
export const hashStats = { filesHashed: 0, bytesHashed: 0 };

/**
 * Digest of a file's content. Files up to one chunk: hashBytes(content). Larger files: hashBytes of the chunk
 * digests (16 bytes each) followed by the length, so the result only depends on the content.
 */
export async function hashFile(path: string, opts?: { statCache?: StatCache }): Promise<string> {
  const cache = opts?.statCache;
  if (cache) {
    const st = statSync(path);
    const hit = cache.lookup(path, st);
    if (hit) return hit;
    const digest = await hashContent(path, st.size);
    cache.store(path, st, digest);
    return digest;
  }
  return hashContent(path, statSync(path).size);
}

let sharedBuf: Uint8Array | null = null; // (CHUNK_BYTES) reused between calls that do not overlap
let sharedBusy = false;

async function hashContent(path: string, size: number): Promise<string> {
  const fh = await open(path, "r");
  const useShared = !sharedBusy;
  if (useShared) sharedBusy = true;
  const buf = useShared ? (sharedBuf ??= new Uint8Array(CHUNK_BYTES)) : new Uint8Array(Math.min(CHUNK_BYTES, Math.max(size, 1)));
  try {
    const parts: string[] = [];
    let total = 0;
    for (;;) {
      let filled = 0;
      while (filled < buf.length) {
        const { bytesRead } = await fh.read(buf, filled, buf.length - filled, null);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      if (filled === 0 && parts.length > 0) break;
      parts.push(hashBytes(buf.subarray(0, filled)));
      total += filled;
      if (filled < buf.length) break;
    }
    hashStats.filesHashed++;
    hashStats.bytesHashed += total;
    if (parts.length === 1) return parts[0]!;
    return hashBytes(new TextEncoder().encode(`${parts.join("")}:${total}`));
  } finally {
    if (useShared) sharedBusy = false;
    await fh.close();
  }
}

interface StatEntry {
  readonly size: number;
  readonly mtimeMs: number;
  readonly ino: number;
  readonly digest: string;
  /** When the digest was computed; an entry is only trusted when the file was last modified well before that. */
  readonly hashedAt: number;
}

/**
 * Persistent map absolute path → (size, mtimeMs, ino, digest), kept in `<cacheDir>/statcache.json`.
 * Known limit (as in git and make): a change that keeps size, mtime and inode is not seen. To keep that to edits
 * within the same instant as the hash, an entry is only trusted when the file's mtime is at least RACY_MS older
 * than the time it was hashed ("racy" files are rehashed until they age).
 */
export class StatCache {
  static readonly RACY_MS = 1000;
  private readonly entries: Map<string, StatEntry>;
  private dirty = false;

  private constructor(readonly file: string | null, entries: Map<string, StatEntry>) {
    this.entries = entries;
  }

  /** An in-memory cache (not persisted). */
  static memory(): StatCache {
    return new StatCache(null, new Map());
  }

  /** Load `<cacheDir>/statcache.json` (an unreadable or corrupt file gives an empty cache). */
  static load(cacheDir: string): StatCache {
    const file = join(cacheDir, "statcache.json");
    let entries = new Map<string, StatEntry>();
    try {
      const raw = JSON.parse(readFileSync(file, "utf8")) as { version: number; entries: Record<string, StatEntry> };
      if (raw.version === 1) entries = new Map(Object.entries(raw.entries));
    } catch {
      // Missing or corrupt: start empty; it is only a cache.
    }
    return new StatCache(file, entries);
  }

  lookup(path: string, st: Stats): string | null {
    const e = this.entries.get(path);
    if (!e || e.size !== st.size || e.mtimeMs !== st.mtimeMs || e.ino !== st.ino) return null;
    if (st.mtimeMs > e.hashedAt - StatCache.RACY_MS) return null;
    return e.digest;
  }

  store(path: string, st: Stats, digest: string): void {
    this.entries.set(path, { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, digest, hashedAt: Date.now() });
    this.dirty = true;
  }

  /** Write back if anything changed (atomic; concurrent builds: last writer wins, which is fine for a cache). */
  save(): void {
    if (!this.dirty || !this.file) return;
    writeJsonAtomic(this.file, { version: 1, entries: Object.fromEntries(this.entries) });
    this.dirty = false;
  }
}
