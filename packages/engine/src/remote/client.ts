// A client for the Turborepo remote-cache HTTP API, so any Turborepo cache server (Vercel, turborepo-remote-cache, ...)
// can hold Lathe artifacts:
//   GET  <url>/v8/artifacts/<hash>   200: the artifact bytes; 404: not cached
//   HEAD <url>/v8/artifacts/<hash>   200: cached; 404: not cached
//   PUT  <url>/v8/artifacts/<hash>   the whole artifact in one body (application/octet-stream), x-artifact-duration
// each with `Authorization: Bearer <token>` and `?teamId=<team>` / `?slug=<slug>`. Failures are RemoteCacheErrors.

import { open } from "node:fs/promises";
import { statSync } from "node:fs";
import type { RemoteCacheOptions } from "../types.ts";
import { RemoteCacheError } from "./errors.ts";

/** @default for RemoteCacheOptions.timeoutMs */
export const DEFAULT_REMOTE_TIMEOUT_MS = 30_000;

type Method = "GET" | "HEAD" | "PUT";

export class RemoteCacheClient {
  /** The server's base URL without a trailing slash. */
  readonly base: string;
  readonly timeoutMs: number;

  constructor(private readonly opts: RemoteCacheOptions) {
    this.base = opts.url.replace(/\/+$/, "");
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_REMOTE_TIMEOUT_MS;
  }

  /** The artifact's URL, with the team query (never the token). */
  artifactUrl(hash: string): string {
    const q = new URLSearchParams();
    if (this.opts.team !== undefined) q.set("teamId", this.opts.team);
    if (this.opts.slug !== undefined) q.set("slug", this.opts.slug);
    const qs = q.toString();
    return `${this.base}/v8/artifacts/${encodeURIComponent(hash)}${qs ? `?${qs}` : ""}`;
  }

  /** Whether the server holds an artifact for `hash`. */
  async exists(hash: string, signal?: AbortSignal): Promise<boolean> {
    const { res, done } = await this.request("HEAD", hash, {}, this.timeoutMs, signal);
    done();
    return res.status !== 404;
  }

  /**
   * Stream the artifact for `hash` into the file `dest`. Returns its size, or null when the server has none (404).
   * timeoutMs bounds the wait for the answer and every pause while the body streams.
   */
  async download(hash: string, dest: string, signal?: AbortSignal): Promise<number | null> {
    const { res, url, ac, done } = await this.request("GET", hash, {}, this.timeoutMs, signal);
    try {
      if (res.status === 404) return null;
      const out = await open(dest, "w");
      let bytes = 0;
      try {
        const reader = res.body?.getReader();
        while (reader) {
          const timer = setTimeout(() => ac.abort(new TimeoutSignal()), this.timeoutMs);
          let chunk: { done: boolean; value?: Uint8Array };
          try {
            chunk = await reader.read();
          } catch (e) {
            throw this.failure("GET", url, e, signal);
          } finally {
            clearTimeout(timer);
          }
          if (chunk.done || !chunk.value) break;
          const v = chunk.value;
          for (let w = 0; w < v.length; ) w += (await out.write(v, w, v.length - w, bytes + w)).bytesWritten;
          bytes += v.length;
        }
      } finally {
        await out.close();
      }
      return bytes;
    } finally {
      done();
    }
  }

  /** Store the file `file` as the artifact for `hash`, in one PUT. It may take timeoutMs plus one second per MiB. */
  async upload(hash: string, file: string, durationMs: number, signal?: AbortSignal): Promise<void> {
    const size = statSync(file).size;
    const limit = this.timeoutMs + Math.ceil(size / (1 << 20)) * 1000;
    const init: RequestInit = {
      body: Bun.file(file),
      headers: { "Content-Type": "application/octet-stream", "x-artifact-duration": String(Math.round(durationMs)) },
    };
    const { done } = await this.request("PUT", hash, init, limit, signal);
    done();
  }

  /** One request: auth headers, the timeout until the answer, and any status but 2xx or 404 as a RemoteCacheError. */
  private async request(method: Method, hash: string, init: RequestInit, timeoutMs: number, signal?: AbortSignal) {
    const url = this.artifactUrl(hash);
    const ac = new AbortController();
    const onAbort = (): void => ac.abort(signal!.reason);
    if (signal?.aborted) onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
    const done = (): void => signal?.removeEventListener("abort", onAbort);
    const timer = setTimeout(() => ac.abort(new TimeoutSignal()), timeoutMs);
    let res: Response;
    try {
      res = await fetch(url, { ...init, method, signal: ac.signal, headers: { ...(init.headers as Record<string, string>), Authorization: `Bearer ${this.opts.token}`, "User-Agent": "lathe" } });
    } catch (e) {
      done();
      throw this.failure(method, url, e, signal, timeoutMs);
    } finally {
      clearTimeout(timer);
    }
    if (res.ok || (res.status === 404 && method !== "PUT")) return { res, url, ac, done };
    done();
    const detail = await serverMessage(res);
    throw new RemoteCacheError(method, url, res.status, detail, statusHint(res.status, method, this.base));
  }

  /** The error for a request that got no (complete) answer; the caller's own abort passes through unchanged. */
  private failure(method: Method, url: string, e: unknown, signal: AbortSignal | undefined, timeoutMs = this.timeoutMs): unknown {
    if (signal?.aborted) return signal.reason ?? e;
    if (e instanceof TimeoutSignal) {
      return new RemoteCacheError(method, url, null, `no answer within ${timeoutMs} ms`, "check that the server is up and reachable, or raise remote.timeoutMs", { cause: e });
    }
    const code = (e as { code?: string }).code;
    const message = e instanceof Error ? e.message : String(e);
    const detail = code && !message.startsWith(code) ? `${code}: ${message}` : message;
    return new RemoteCacheError(method, url, null, detail, `is a Turborepo remote cache server running at ${this.base}? Check the URL, or build without the remote cache`, { cause: e });
  }
}

/** The abort reason of our own timers, told apart from the caller's abort. */
class TimeoutSignal extends Error {
  override readonly name = "TimeoutSignal";
}

async function serverMessage(res: Response): Promise<string> {
  const label = res.statusText || "no message";
  let text = "";
  try {
    text = await res.text();
  } catch {
    return label;
  }
  try {
    const m = (JSON.parse(text) as { message?: unknown }).message;
    if (typeof m === "string" && m) text = m;
  } catch {
    // not JSON: keep the text
  }
  text = text.replace(/\s+/g, " ").trim();
  return text ? `${res.statusText || "error"}, "${text.length > 200 ? `${text.slice(0, 200)}…` : text}"` : label;
}

function statusHint(status: number, method: Method, base: string): string {
  if (status === 403 && method === "PUT") return "the server takes no uploads from this token (a read-only server or token); set remote.upload to false";
  if (status === 401 || status === 403) return "the server refused the token; check remote.token (and that it may use this team)";
  if (status === 400) return "the server rejected the request; check remote.team / remote.slug (turborepo-remote-cache needs one of them)";
  if (status === 404) return `no artifacts API here; remote.url must be the server's base URL (requests go to ${base}/v8/artifacts/<hash>)`;
  if (status === 413) return "the artifact is over the server's body size limit; raise it (turborepo-remote-cache: BODY_LIMIT) or set remote.upload to false";
  if (status === 402 || status === 429) return "the server refuses for now (plan limit or rate limit); try later or build without the remote cache";
  if (method === "PUT" && status === 412) return "the server could not store the artifact; see its log (disk full, storage credentials)";
  return "the server failed; see its log";
}
