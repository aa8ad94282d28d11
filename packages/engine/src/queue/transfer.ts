// Moving one store entry through the remote cache, for both sides of the queue: the coordinator makes sure a queued
// stage's inputs are on the server and fetches what workers produced; a worker fetches its inputs and uploads its
// output (packed first, then one PUT: a worker killed mid-upload leaves nothing the server would serve as complete).

import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { removeTree, uniqueSuffix } from "../fs-util.ts";
import type { KeyRecord } from "../keys.ts";
import { packArtifact, unpackArtifact } from "../remote/artifact.ts";
import type { RemoteCacheClient } from "../remote/client.ts";
import type { Store } from "../store.ts";

/**
 * Download the artifact of `key`, verify it, and publish it in `store` with `record` as its key record. Returns its
 * outDir and size, or null when the server has none. Throws RemoteCacheError or ArtifactError.
 */
export async function downloadEntry(client: RemoteCacheClient, store: Store, key: string, record: KeyRecord, signal?: AbortSignal): Promise<{ outDir: string; bytes: number } | null> {
  const runDir = store.newRunDir(key);
  try {
    const archive = join(runDir, "artifact");
    const bytes = await client.download(key, archive, signal);
    if (bytes === null) return null;
    const header = await unpackArtifact(archive, key, join(runDir, "out"));
    rmSync(archive);
    const outDir = await store.publish(runDir, key, { record, durationMs: header.durationMs, logs: header.logs, logsDropped: header.logsDropped, metrics: header.metrics });
    return { outDir, bytes };
  } finally {
    removeTree(runDir); // gone already when published
  }
}

/** Pack the published entry `key` of `store` and upload it in one PUT; returns the artifact's size. */
export async function uploadEntry(client: RemoteCacheClient, store: Store, key: string, signal?: AbortSignal): Promise<number> {
  const file = join(store.dir, "tmp", `upload-${key.slice(0, 16)}.${uniqueSuffix()}`);
  try {
    mkdirSync(join(store.dir, "tmp"), { recursive: true });
    const { header, bytes } = await packArtifact(store, key, file);
    await client.upload(key, file, header.durationMs, signal);
    return bytes;
  } finally {
    rmSync(file, { force: true });
  }
}
