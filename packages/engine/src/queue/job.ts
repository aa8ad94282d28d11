// What travels through the queue: one job per stage run (everything a worker needs besides the code and the remote
// cache: kind, params, the keys and key records of its upstream stages, its input files' digests, its env values),
// the messages a worker reports while it runs, and what it returns. Also the Redis connection settings both sides use.

import { relative } from "node:path";
import type { ConnectionOptions } from "bullmq";
import type { KeyRecord, KeyedStage } from "../keys.ts";
import type { Json, Progress, Resource } from "../types.ts";

/** Bump when StageJob changes shape: a worker refuses jobs of another format. */
export const JOB_FORMAT = 1;

/** @default of QueueOptions.name */
export const DEFAULT_QUEUE_NAME = "lathe";

export interface StageJob {
  readonly format: number;
  readonly id: string;
  readonly key: string;
  readonly kind: string;
  readonly resource: Resource;
  readonly params: Json;
  /** The stage's own key record (its manifest's record on the worker too). */
  readonly record: KeyRecord;
  /** Per input name: an upstream stage (its key, fetched from the remote cache) or files (paths relative to root). */
  readonly inputs: Readonly<Record<string, { readonly stage: string; readonly key: string } | { readonly files: readonly string[] }>>;
  /** Key records of the upstream stages by key, so the worker's store holds faithful manifests of what it downloads. */
  readonly upstream: Readonly<Record<string, KeyRecord>>;
  /** Values of the stage's allowlisted env vars on the coordinator (null: unset); the worker runs with them. */
  readonly env: Readonly<Record<string, string | null>>;
  /** Who queued it (host and pid), for the worker's log. */
  readonly from: string;
}

/** A batch of what happened on the worker since the last one (sent with job.updateProgress). */
export interface WorkerReport {
  readonly worker: string;
  /** 1 for the first run of the job, 2 after one stall, ... */
  readonly attempt: number;
  readonly logs: readonly string[];
  readonly progress?: Progress;
  readonly metrics: readonly { readonly name: string; readonly value: number; readonly step?: number }[];
}

/** The job's return value: the output is in the remote cache under `key`. */
export interface JobResult {
  readonly key: string;
  readonly worker: string;
  readonly durationMs: number;
  /** The output was already in the remote cache (another worker or build finished it); nothing ran. */
  readonly reused: boolean;
}

/** The BullMQ queue of a resource: `<name>.cpu` or `<name>.gpu`. */
export function queueName(name: string, resource: Resource): string {
  return `${name}.${resource}`;
}

/** The job for a keyed stage; `root` turns its file inputs into relative paths. */
export function stageJob(ks: KeyedStage, records: ReadonlyMap<string, KeyRecord>, root: string, from: string): StageJob {
  const inputs: Record<string, { stage: string; key: string } | { files: string[] }> = {};
  const upstream: Record<string, KeyRecord> = {};
  for (const [name, r] of Object.entries(ks.record.inputs)) {
    if ("stage" in r) {
      inputs[name] = { stage: r.stage, key: r.key };
      upstream[r.key] = records.get(r.key)!;
    } else {
      inputs[name] = { files: ks.filePaths[name]!.map((abs) => relative(root, abs).split("\\").join("/")) };
    }
  }
  const env: Record<string, string | null> = {};
  for (const name of ks.def.env ?? []) env[name] = process.env[name] ?? null;
  return { format: JOB_FORMAT, id: ks.def.id, key: ks.key, kind: ks.def.kind, resource: ks.def.resource ?? "cpu", params: ks.def.params, record: ks.record, inputs, upstream, env, from };
}

/** The URL as shown in messages: the password replaced by `***`. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString().replace(/\/$/, "");
  } catch {
    return url;
  }
}

/**
 * ioredis options for `url`. `probe`: give up after the first failure within `connectTimeoutMs` (the start-up check);
 * otherwise reconnect with BullMQ's backoff, at most 2 s apart.
 */
export function connection(url: string, o: { probe?: boolean; connectTimeoutMs?: number } = {}): ConnectionOptions {
  return {
    url,
    connectTimeout: o.connectTimeoutMs ?? 5000,
    ...(o.probe ? { retryStrategy: () => null, maxRetriesPerRequest: 0, enableOfflineQueue: true } : { retryStrategy: (times: number) => Math.min(200 * times, 2000) }),
  };
}
