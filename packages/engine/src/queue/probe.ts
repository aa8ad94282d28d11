// Start-up checks for both sides of the queue: can Redis and the remote cache be reached? Each failure becomes one
// QueueError line naming the URL, instead of ioredis retrying forever or the first job hanging.

import type { Queue } from "bullmq";
import { RemoteCacheClient } from "../remote/client.ts";
import { RemoteCacheError } from "../remote/errors.ts";
import type { RemoteCacheOptions } from "../types.ts";
import { QueueError } from "./errors.ts";
import { connection, redactUrl } from "./job.ts";

/** Throws a QueueError unless Redis at `url` answers a PING within `timeoutMs`. `fix` ends the hint. */
export async function probeRedis(url: string, timeoutMs: number, fix: string): Promise<void> {
  const shown = redactUrl(url);
  if (!/^rediss?:\/\//.test(url)) throw new QueueError(shown, `${shown} is not a Redis URL`, "write it as redis://host:port (or rediss:// for TLS)");
  let lastError: unknown = null;
  let q: Queue | null = null;
  try {
    const { Queue } = await import("bullmq");
    q = new Queue("probe", { connection: connection(url, { probe: true, connectTimeoutMs: timeoutMs }) });
    q.on("error", (e) => (lastError ??= e));
    const client = await within(q.client, timeoutMs + 500);
    await within(client.ping(), timeoutMs);
  } catch (e) {
    const cause = lastError ?? e;
    const detail = cause instanceof Error ? cause.message.replace(/\s+/g, " ") : String(cause);
    throw new QueueError(shown, `cannot reach Redis at ${shown} (${detail})`, `check that redis-server runs there and takes connections from this machine; ${fix}`, { cause });
  } finally {
    await q?.close().catch(() => {});
  }
}

/** Throws a QueueError unless the remote cache answers (a HEAD of an artifact nobody has: 404 is an answer). */
export async function probeRemote(remote: RemoteCacheOptions, fix: string): Promise<void> {
  const client = new RemoteCacheClient({ ...remote, timeoutMs: Math.min(remote.timeoutMs ?? 10_000, 10_000) });
  try {
    await client.exists("lathe-queue-probe");
  } catch (e) {
    if (!(e instanceof RemoteCacheError)) throw e;
    throw new QueueError(client.base, `the remote cache at ${client.base} cannot be used: ${RemoteCacheError.problem(e.method, e.url, e.status, e.detail)}`, `${e.hint}; ${fix}`, { cause: e });
  }
}

function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)))]).finally(() => clearTimeout(timer));
}
