// Garbage collection: keep the given keys and the blobs they use; evict other entries (all of them, or only as many
// as maxSizeBytes / maxAgeMs require, least recently used first); then delete blobs no entry references, run dirs
// of dead processes, and scratch dirs of keys that are neither kept nor being built.

import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { removeTree } from "./fs-util.ts";
import { listBlobs, listEntries } from "./status.ts";
import { Store } from "./store.ts";
import type { GcOptions, GcReport } from "./types.ts";

export async function gc(opts: GcOptions): Promise<GcReport> {
  const store = new Store(opts.cacheDir);
  const keep = new Set(opts.keep);
  const dry = opts.dryRun ?? false;
  if (!dry) store.sweepDeadRunDirs();
  const entries = listEntries(store);
  const blobs = listBlobs(store);
  const now = Date.now();

  const limited = opts.maxSizeBytes !== undefined || opts.maxAgeMs !== undefined;
  const evict = new Set<string>();
  const candidates = entries.filter((e) => !keep.has(e.entry.key)).sort((a, b) => a.entry.lastUsedAt - b.entry.lastUsedAt);
  if (!limited) for (const e of candidates) evict.add(e.entry.key);
  if (opts.maxAgeMs !== undefined) for (const e of candidates) if (now - e.entry.lastUsedAt > opts.maxAgeMs) evict.add(e.entry.key);
  if (opts.maxSizeBytes !== undefined) {
    // Size = bytes of the blobs still referenced by surviving entries, each blob counted once.
    const refs = new Map<string, number>();
    for (const e of entries) if (!evict.has(e.entry.key)) for (const o of e.manifest.outputs) refs.set(o.digest, (refs.get(o.digest) ?? 0) + 1);
    let size = 0;
    for (const d of refs.keys()) size += blobs.get(d) ?? 0;
    for (const e of candidates) {
      if (size <= opts.maxSizeBytes) break;
      if (evict.has(e.entry.key)) continue;
      evict.add(e.entry.key);
      for (const o of e.manifest.outputs) {
        const n = refs.get(o.digest)! - 1;
        refs.set(o.digest, n);
        if (n === 0) size -= blobs.get(o.digest) ?? 0;
      }
    }
  }

  const removedKeys: string[] = [];
  for (const e of candidates) {
    if (!evict.has(e.entry.key)) continue;
    if (dry || store.removeEntry(e.entry.key)) removedKeys.push(e.entry.key);
  }
  const used = new Set<string>();
  for (const e of entries) if (!removedKeys.includes(e.entry.key)) for (const o of e.manifest.outputs) used.add(o.digest);
  let freedBytes = 0;
  let removedBlobs = 0;
  let sizeBytes = 0;
  for (const [digest, size] of blobs) {
    if (used.has(digest)) {
      sizeBytes += size;
      continue;
    }
    if (!dry) rmSync(store.blobPath(digest), { force: true });
    freedBytes += size;
    removedBlobs++;
  }
  if (!dry) sweepScratch(store, keep);
  return { removedKeys, removedBlobs, freedBytes, keptKeys: entries.length - removedKeys.length, sizeBytes };
}

function sweepScratch(store: Store, keep: Set<string>): void {
  let keys: string[];
  try {
    keys = readdirSync(join(store.dir, "scratch"));
  } catch {
    return;
  }
  for (const key of keys) if (!keep.has(key) && !existsSync(store.lockPath(key))) removeTree(store.scratchDir(key));
}
