// The coordinator's side of the queue, used by build(): a stage that may be shared (not machine-dependent, nothing
// upstream is) and missed both caches becomes a BullMQ job instead of a local run. Before queueing, its inputs are
// put on the remote cache (a local hit was never uploaded); while a worker runs it, the worker's reports become the
// usual engine events plus `stage-worker`; when the job completes, the output is downloaded into the local store, so
// the summary and later commands see it like a local run. The engine's scheduler still walks the graph: a stage is
// queued once its inputs are done. Jobs of a worker that dies are retried elsewhere by BullMQ's stalled-job check.

import { Job, Queue, QueueEvents } from "bullmq";
import { hostname } from "node:os";
import type { KeyRecord, KeyedStage } from "../keys.ts";
import { uniqueSuffix } from "../fs-util.ts";
import { RemoteCacheClient } from "../remote/client.ts";
import { remoteEligible } from "../remote/remote-cache.ts";
import type { Store } from "../store.ts";
import type { EngineEvent, QueueOptions, QueueSummary, RemoteCacheOptions, Resource, StageDef } from "../types.ts";
import { QueueError } from "./errors.ts";
import { connection, DEFAULT_QUEUE_NAME, queueName, redactUrl, stageJob, type JobResult, type WorkerReport } from "./job.ts";
import { probeRedis, probeRemote } from "./probe.ts";
import { downloadEntry, uploadEntry } from "./transfer.ts";

export type QueuedResult =
  | { readonly ok: true; readonly outDir: string; readonly durationMs: number; readonly worker: string }
  | { readonly ok: false; readonly error: string; readonly worker?: string };

/** Finished jobs stay this long in Redis (for a coordinator that asks after the fact), then BullMQ drops them. */
const KEEP_FINISHED_S = 3600;
const FALLBACK_HINT = 'or set queue.fallback to "local" (lathe build --fallback local) to build here';

interface Tracked {
  readonly ks: KeyedStage;
  readonly onStart: () => void;
  started: boolean;
  worker?: string;
  attempt: number;
}

export class StageQueue {
  private readonly client: RemoteCacheClient;
  private readonly eligible: Set<string>;
  private readonly records: Map<string, KeyRecord>;
  private readonly queues = new Map<Resource, { queue: Queue; events: QueueEvents }>();
  private readonly tracked = new Map<string, Tracked>(); // job id → stage
  private readonly onRemote = new Map<string, Promise<void>>(); // key → its upload, once per build
  private readonly workers: Record<string, number> = {};
  private readonly url: string;
  private jobs = 0;
  private noticed = false;
  private lost: QueueError | null = null;
  private readonly lostWaiters = new Set<(e: QueueError) => void>();
  private lastOkAt = Date.now();
  private health: ReturnType<typeof setInterval> | null = null;

  /**
   * Check Redis and the remote cache, then connect. Unreachable: with fallback "local" resolves `{ error }` (build
   * here), else throws the QueueError. A queue without a remote cache always throws.
   */
  static async open(
    opts: QueueOptions,
    remote: RemoteCacheOptions | undefined,
    keyed: ReadonlyMap<string, KeyedStage>,
    order: readonly StageDef[],
    store: Store,
    root: string,
    emit: (e: EngineEvent) => void,
  ): Promise<{ queue: StageQueue; error?: undefined } | { queue?: undefined; error: string; url: string }> {
    const url = redactUrl(opts.url);
    if (!remote) throw new QueueError(url, `the queue at ${url} needs a remote cache: workers take their inputs from it and put their outputs there`, "give BuildOptions.remote as well (lathe build --remote-cache URL)");
    const fix = opts.fallback === "local" ? "building here instead" : FALLBACK_HINT;
    try {
      await probeRedis(opts.url, opts.connectTimeoutMs ?? 5000, fix);
      await probeRemote(remote, fix);
    } catch (e) {
      if (!(e instanceof QueueError) || opts.fallback !== "local") throw e;
      return { error: e.message, url: e.url };
    }
    const q = new StageQueue(opts, remote, keyed, order, store, root, emit);
    await q.connect();
    return { queue: q };
  }

  private constructor(
    private readonly opts: QueueOptions,
    remote: RemoteCacheOptions,
    keyed: ReadonlyMap<string, KeyedStage>,
    order: readonly StageDef[],
    private readonly store: Store,
    private readonly root: string,
    private readonly emit: (e: EngineEvent) => void,
  ) {
    this.url = redactUrl(opts.url);
    this.client = new RemoteCacheClient(remote);
    this.eligible = remoteEligible(order);
    this.records = new Map([...keyed.values()].map((k) => [k.key, k.record]));
  }

  private async connect(): Promise<void> {
    const name = this.opts.name ?? DEFAULT_QUEUE_NAME;
    for (const resource of ["cpu", "gpu"] as const) {
      const conn = connection(this.opts.url, { connectTimeoutMs: this.opts.connectTimeoutMs });
      const queue = new Queue(queueName(name, resource), { connection: conn });
      const events = new QueueEvents(queueName(name, resource), { connection: conn });
      // Connection errors surface through the health check below; without a listener they would be thrown.
      queue.on("error", () => {});
      events.on("error", () => {});
      events.on("progress", ({ jobId, data }) => this.onReport(jobId, data as unknown as WorkerReport));
      events.on("stalled", ({ jobId }) => this.onStalled(jobId));
      this.queues.set(resource, { queue, events });
    }
    await Promise.all([...this.queues.values()].flatMap(({ queue, events }) => [queue.waitUntilReady(), events.waitUntilReady()]));
  }

  /** Whether this stage runs on a worker (it may use the remote cache), not here. */
  takes(def: StageDef): boolean {
    return this.eligible.has(def.id);
  }

  /**
   * Run one stage on a worker and bring its output into the local store. `onStart` is called once, when a worker
   * takes the job. Never rejects.
   */
  async run(ks: KeyedStage, signal: AbortSignal, onStart: () => void): Promise<QueuedResult> {
    const jobId = `${ks.key.slice(0, 16)}-${uniqueSuffix().replace(/\./g, "-")}`;
    const t: Tracked = { ks, onStart, started: false, attempt: 0 };
    try {
      for (const r of Object.values(ks.record.inputs)) if ("stage" in r) await this.putOnRemote(r.key, signal);
      const { queue, events } = this.queues.get(ks.def.resource ?? "cpu")!;
      this.tracked.set(jobId, t);
      this.watchHealth();
      const data = stageJob(ks, this.records, this.root, `${hostname()}:${process.pid}`);
      const job = await queue.add(ks.def.kind, data, { jobId, attempts: 1, removeOnComplete: { age: KEEP_FINISHED_S }, removeOnFail: { age: KEEP_FINISHED_S } });
      void this.noticeIfNoWorker(ks, queue);
      let result: JobResult;
      try {
        result = (await this.untilFinished(job, events, signal)) as JobResult;
      } catch (e) {
        if (signal.aborted) {
          await job.remove().catch(() => {}); // a waiting job goes; a running one finishes on its worker, unused
          return { ok: false, error: "build aborted" };
        }
        if (e instanceof QueueError) return { ok: false, error: e.message };
        const where = t.worker ? ` (on worker ${t.worker})` : "";
        return { ok: false, error: `${errorText(e)}${where}`, ...(t.worker ? { worker: t.worker } : {}) };
      }
      this.started(t, result.worker, t.attempt || 1);
      const outDir = await this.fetchOutput(ks, signal);
      this.jobs++;
      this.workers[result.worker] = (this.workers[result.worker] ?? 0) + 1;
      return { ok: true, outDir, durationMs: result.durationMs, worker: result.worker };
    } catch (e) {
      if (signal.aborted) return { ok: false, error: "build aborted" };
      return { ok: false, error: errorText(e), ...(t.worker ? { worker: t.worker } : {}) };
    } finally {
      this.tracked.delete(jobId);
    }
  }

  summary(): QueueSummary {
    return { url: this.url, jobs: this.jobs, workers: { ...this.workers } };
  }

  async close(): Promise<void> {
    if (this.health) clearInterval(this.health);
    await Promise.all([...this.queues.values()].flatMap(({ queue, events }) => [events.close().catch(() => {}), queue.close().catch(() => {})]));
  }

  /** The job's return value, or its failure; also fails when the build aborts or Redis is lost. */
  private untilFinished(job: Job, events: QueueEvents, signal: AbortSignal): Promise<unknown> {
    let onLost!: (e: QueueError) => void;
    let onAbort!: () => void;
    const stop = new Promise<never>((_, reject) => {
      onLost = reject;
      onAbort = () => reject(signal.reason ?? new Error("aborted"));
      if (this.lost) reject(this.lost);
      this.lostWaiters.add(onLost);
      if (signal.aborted) onAbort();
      signal.addEventListener("abort", onAbort, { once: true });
    });
    return Promise.race([job.waitUntilFinished(events), stop]).finally(() => {
      this.lostWaiters.delete(onLost);
      signal.removeEventListener("abort", onAbort);
    });
  }

  /** Make sure the remote cache has the entry `key` (a local hit was never uploaded): HEAD, and PUT if missing. */
  private putOnRemote(key: string, signal: AbortSignal): Promise<void> {
    let p = this.onRemote.get(key);
    if (!p) {
      p = (async () => {
        if (await this.client.exists(key, signal)) return;
        if (!this.store.has(key)) throw new Error(`input ${key.slice(0, 12)}… is neither in the local store nor in the remote cache`);
        await uploadEntry(this.client, this.store, key, signal);
      })();
      p.catch(() => this.onRemote.delete(key)); // a later stage may try again
      this.onRemote.set(key, p);
    }
    return p;
  }

  /** Download what the worker uploaded into the local store (unless a twin build put it there already). */
  private async fetchOutput(ks: KeyedStage, signal: AbortSignal): Promise<string> {
    if (this.store.has(ks.key)) return this.store.outDir(ks.key);
    const got = await downloadEntry(this.client, this.store, ks.key, ks.record, signal);
    if (!got) throw new Error(`the job finished but the remote cache has no artifact ${ks.key.slice(0, 12)}… (evicted already?)`);
    return got.outDir;
  }

  private onReport(jobId: string, r: WorkerReport): void {
    const t = this.tracked.get(jobId);
    if (!t || typeof r !== "object" || r === null) return;
    const id = t.ks.def.id;
    this.started(t, r.worker, r.attempt);
    for (const line of r.logs ?? []) this.emit({ type: "stage-log", id, line, replay: false });
    if (r.progress) this.emit({ type: "stage-progress", id, progress: r.progress, at: Date.now() });
    for (const m of r.metrics ?? []) this.emit(m.step === undefined ? { type: "stage-metric", id, name: m.name, value: m.value } : { type: "stage-metric", id, name: m.name, value: m.value, step: m.step });
  }

  /** The first report of a (worker, attempt): stage-start once, stage-worker each time. */
  private started(t: Tracked, worker: string, attempt: number): void {
    if (t.worker === worker && t.attempt === attempt) return;
    if (!t.started) {
      t.started = true;
      t.onStart();
    }
    t.worker = worker;
    t.attempt = attempt;
    this.emit({ type: "stage-worker", id: t.ks.def.id, key: t.ks.key, worker, attempt });
  }

  private onStalled(jobId: string): void {
    const t = this.tracked.get(jobId);
    if (!t) return;
    this.emit({ type: "stage-log", id: t.ks.def.id, line: `worker ${t.worker ?? "?"} stopped renewing its lock (killed, or its event loop is blocked); the job goes back to the queue`, replay: false });
  }

  private async noticeIfNoWorker(ks: KeyedStage, queue: Queue): Promise<void> {
    if (this.noticed) return;
    this.noticed = true;
    try {
      if ((await queue.getWorkersCount()) > 0) return;
    } catch {
      return;
    }
    this.emit({ type: "stage-log", id: ks.def.id, line: `no worker listens on ${queue.name} at ${this.url} yet; the job waits for one (lathe worker --queue ${this.url} --remote-cache ${this.client.base})`, replay: false });
  }

  /** While jobs are out: PING every 2 s; no answer for lostAfterMs fails every waiting stage with one QueueError. */
  private watchHealth(): void {
    if (this.health) return;
    const limit = this.opts.lostAfterMs ?? 60_000;
    let busy = false;
    this.health = setInterval(async () => {
      if (busy || this.lost) return;
      if (this.tracked.size === 0) {
        this.lastOkAt = Date.now();
        return;
      }
      busy = true;
      try {
        const client = await this.queues.get("cpu")!.queue.client;
        await Promise.race([client.ping(), Bun.sleep(2000).then(() => Promise.reject(new Error("no answer")))]);
        this.lastOkAt = Date.now();
      } catch {
        if (Date.now() - this.lastOkAt > limit) {
          this.lost = new QueueError(this.url, `lost Redis at ${this.url}: no answer for ${Math.round(limit / 1000)} s`, "restart redis-server (queued stages fail; the next build queues them again)");
          for (const w of this.lostWaiters) w(this.lost);
        }
      } finally {
        busy = false;
      }
    }, 2000);
    this.health.unref?.();
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
