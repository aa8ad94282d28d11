// Store inspection: status() lists entries, blob totals and the last runs; stageOutput() finds a cached outDir.

import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { readJsonOrNull } from "./fs-util.ts";
import { Store, type Manifest } from "./store.ts";
import type { BuildSummary, StoreEntry, StoreStatus } from "./types.ts";

/** The output directory of a cached stage, or null when the key is not in the store. */
export function stageOutput(cacheDir: string, key: string): string | null {
  const store = new Store(cacheDir);
  return store.has(key) ? store.outDir(key) : null;
}

/** Every published entry with its manifest and last-used time. */
export function listEntries(store: Store): { entry: StoreEntry; manifest: Manifest }[] {
  const out: { entry: StoreEntry; manifest: Manifest }[] = [];
  for (const key of store.keys()) {
    const manifest = store.readManifest(key);
    if (!manifest) continue;
    let lastUsedAt = manifest.createdAt;
    try {
      lastUsedAt = statSync(store.manifestPath(key)).mtimeMs;
    } catch {
      continue; // evicted meanwhile
    }
    const bytes = manifest.outputs.reduce((n, o) => n + o.size, 0);
    out.push({
      manifest,
      entry: { key, id: manifest.record.id, kind: manifest.record.kind, bytes, files: manifest.outputs.length, createdAt: manifest.createdAt, lastUsedAt, durationMs: Math.round(manifest.durationMs) },
    });
  }
  return out;
}

/** Every blob digest with its size. */
export function listBlobs(store: Store): Map<string, number> {
  const out = new Map<string, number>();
  const root = join(store.dir, "blobs");
  let shards: string[];
  try {
    shards = readdirSync(root);
  } catch {
    return out;
  }
  for (const shard of shards) {
    for (const name of readdirSync(join(root, shard))) {
      if (name.includes(".")) continue; // a blob being written (temp name)
      try {
        out.set(name, statSync(join(root, shard, name)).size);
      } catch {
        // removed meanwhile
      }
    }
  }
  return out;
}

export async function status(cacheDir: string, opts: { lastRuns?: number } = {}): Promise<StoreStatus> {
  const store = new Store(cacheDir);
  const entries = listEntries(store).map((e) => e.entry).sort((a, b) => b.lastUsedAt - a.lastUsedAt);
  const blobs = listBlobs(store);
  let runNames: string[] = [];
  try {
    runNames = readdirSync(join(cacheDir, "runs")).filter((n) => n.endsWith(".json")).sort().reverse().slice(0, opts.lastRuns ?? 10);
  } catch {
    // no runs yet
  }
  const lastRuns = [];
  for (const name of runNames) {
    const file = join(cacheDir, "runs", name);
    const run = readJsonOrNull<BuildSummary & { startedAt: number; label?: string }>(file);
    if (!run) continue;
    const counts: Record<string, number> = {};
    for (const s of run.stages) counts[s.status] = (counts[s.status] ?? 0) + 1;
    lastRuns.push({ file, at: run.startedAt, ok: run.ok, durationMs: run.durationMs, counts, ...(run.label === undefined ? {} : { label: run.label }) });
  }
  let blobBytes = 0;
  for (const size of blobs.values()) blobBytes += size;
  return { cacheDir, entries, blobs: blobs.size, blobBytes, lastRuns };
}
