// The worker's side of the queue (`lathe worker`): take stage jobs from BullMQ, fetch the inputs' outputs from the
// remote cache (verified, into this machine's store), check file inputs against the coordinator's digests, run the
// stage by kind in a private dir, publish it here, upload it in one PUT, and complete the job with its key. Jobs of
// gpu stages come from their own queue, taken only in one of `gpuSlots`. A worker that dies mid-stage stops renewing
// its job's lock; BullMQ's stalled-job check (run by every worker) puts the job back for another one.

import type { Job } from "bullmq";
import { mkdirSync } from "node:fs";
import { availableParallelism, hostname } from "node:os";
import { join, resolve } from "node:path";
import { hashFile } from "../digest.ts";
import { removeTree } from "../fs-util.ts";
import { RemoteCacheClient } from "../remote/client.ts";
import { MAX_LOG_LINES, MAX_METRICS, Store } from "../store.ts";
import type { Progress, RemoteCacheOptions, StageContext } from "../types.ts";
import { connection, DEFAULT_QUEUE_NAME, JOB_FORMAT, queueName, type JobResult, type StageJob, type WorkerReport } from "./job.ts";
import { probeRedis, probeRemote } from "./probe.ts";
import { downloadEntry, uploadEntry } from "./transfer.ts";

/** What a worker's UI sees. */
export type WorkerEvent =
  | { readonly type: "ready"; readonly worker: string; readonly queues: readonly { readonly name: string; readonly slots: number }[] }
  | { readonly type: "job-start"; readonly id: string; readonly key: string; readonly kind: string; readonly from: string; readonly attempt: number }
  | { readonly type: "job-log"; readonly id: string; readonly line: string }
  | { readonly type: "job-done"; readonly id: string; readonly key: string; readonly durationMs: number; readonly bytes: number; readonly reused: boolean }
  | { readonly type: "job-failed"; readonly id: string; readonly key: string; readonly error: string };

export interface WorkerOptions {
  /** Redis, `redis://host:port`. */
  readonly url: string;
  /** Prefix of the queue names (as the coordinator's QueueOptions.name). @default "lathe" */
  readonly queue?: string;
  /** The remote cache the coordinator uses (same server and team). */
  readonly remote: RemoteCacheOptions;
  /** This machine's store: downloaded inputs and the outputs it builds. */
  readonly cacheDir: string;
  /** ctx.root of the stages it runs: the workspace, where relative paths in params and file inputs resolve. */
  readonly root: string;
  /** The run function of a stage kind (a CLI passes stageRegistry().runner). */
  runner(kind: string): Promise<(ctx: StageContext) => Promise<void>>;
  /** Shown to coordinators (stage-worker events). @default "<hostname>-<pid>" */
  readonly name?: string;
  /** Cpu jobs at once. @default os.availableParallelism() */
  readonly concurrency?: number;
  /** Gpu jobs at once; 0 takes none. @default 1 */
  readonly gpuSlots?: number;
  /** A job whose lock is not renewed this long counts as stalled (its worker died) and is retried elsewhere. @default 30000 */
  readonly lockDurationMs?: number;
  /** How often this worker looks for stalled jobs. @default lockDurationMs */
  readonly stalledIntervalMs?: number;
  /** A job stalled more often than this fails (a stage that kills every worker it lands on). @default 2 */
  readonly maxStalledCount?: number;
  /** @default 5000 */
  readonly connectTimeoutMs?: number;
  onEvent?(e: WorkerEvent): void;
}

export interface StageWorker {
  readonly name: string;
  /** Stop taking jobs; running ones finish first unless `force` (they then see their signal and are retried elsewhere). */
  close(force?: boolean): Promise<void>;
}

/** Reports go to the coordinator at most this often while a stage runs. */
const REPORT_EVERY_MS = 300;
const MAX_REPORT_LINES = 1000;

/** Check Redis and the remote cache (one QueueError line each), then start taking jobs. */
export async function startWorker(o: WorkerOptions): Promise<StageWorker> {
  const fix = "or start this worker with the URL the coordinator uses";
  await probeRedis(o.url, o.connectTimeoutMs ?? 5000, fix);
  await probeRemote(o.remote, fix);
  const name = o.name ?? `${hostname()}-${process.pid}`;
  const store = new Store(o.cacheDir);
  mkdirSync(o.cacheDir, { recursive: true });
  store.sweepDeadRunDirs();
  const client = new RemoteCacheClient(o.remote);
  const abort = new AbortController();
  const gate = new EnvGate();
  const emit = (e: WorkerEvent): void => {
    try {
      o.onEvent?.(e);
    } catch {
      // a UI's bug must not fail jobs
    }
  };
  const lockDuration = o.lockDurationMs ?? 30_000;
  const prefix = o.queue ?? DEFAULT_QUEUE_NAME;
  const slots = [
    { resource: "cpu" as const, slots: Math.max(1, o.concurrency ?? availableParallelism()) },
    { resource: "gpu" as const, slots: Math.max(0, o.gpuSlots ?? 1) },
  ].filter((s) => s.slots > 0);

  const processJob = async (job: Job<StageJob, JobResult>): Promise<JobResult> => {
    const d = job.data;
    if (d.format !== JOB_FORMAT) throw new Error(`job format ${d.format}, worker ${name} reads format ${JOB_FORMAT}: run the same Lathe version on the coordinator and the workers`);
    const attempt = Math.max(1, job.attemptsStarted);
    const report = new Reporter(job, name, attempt);
    emit({ type: "job-start", id: d.id, key: d.key, kind: d.kind, from: d.from, attempt });
    const t = performance.now();
    try {
      await report.flush(); // the coordinator's stage-worker event
      let reused = true;
      let bytes = 0;
      if (!(await client.exists(d.key, abort.signal))) {
        if (!store.has(d.key)) {
          const inputs = await prepareInputs(d, store, client, o.root, abort.signal);
          const run = await o.runner(d.kind);
          await gate.run(d.env, () => runStage(d, run, inputs, store, o.root, abort.signal, report, (line) => emit({ type: "job-log", id: d.id, line })));
        }
        bytes = await uploadEntry(client, store, d.key, abort.signal);
        reused = false;
      }
      await report.flush();
      const durationMs = store.readManifest(d.key)?.durationMs ?? performance.now() - t;
      emit({ type: "job-done", id: d.id, key: d.key, durationMs: performance.now() - t, bytes, reused });
      return { key: d.key, worker: name, durationMs, reused };
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      emit({ type: "job-failed", id: d.id, key: d.key, error });
      await report.flush();
      throw e instanceof Error ? e : new Error(error);
    } finally {
      report.stop();
    }
  };

  const { Worker } = await import("bullmq"); // loaded only by a worker (a third of a second)
  const workers = slots.map(
    (s) =>
      new Worker<StageJob, JobResult>(queueName(prefix, s.resource), processJob, {
        connection: connection(o.url, { connectTimeoutMs: o.connectTimeoutMs }),
        name,
        concurrency: s.slots,
        lockDuration,
        stalledInterval: o.stalledIntervalMs ?? lockDuration,
        maxStalledCount: o.maxStalledCount ?? 2,
      }),
  );
  for (const w of workers) w.on("error", () => {}); // reconnects on its own; jobs it held are retried elsewhere
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  emit({ type: "ready", worker: name, queues: slots.map((s) => ({ name: queueName(prefix, s.resource), slots: s.slots })) });
  return {
    name,
    async close(force = false) {
      if (force) abort.abort(new Error(`worker ${name} is shutting down`));
      await Promise.all(workers.map((w) => w.close(force)));
    },
  };
}

/** ctx.inputs on this machine: upstream outputs from the store (downloaded if needed), file inputs checked by digest. */
async function prepareInputs(d: StageJob, store: Store, client: RemoteCacheClient, root: string, signal: AbortSignal): Promise<Record<string, string | readonly string[]>> {
  const out: Record<string, string | readonly string[]> = {};
  for (const [name, inp] of Object.entries(d.inputs)) {
    if ("stage" in inp) {
      if (!store.has(inp.key)) {
        const got = await downloadEntry(client, store, inp.key, d.upstream[inp.key]!, signal);
        if (!got) throw new Error(`input ${name} (stage ${inp.stage}, key ${inp.key.slice(0, 12)}…) is not in the remote cache ${client.base}`);
      }
      out[name] = store.outDir(inp.key);
      continue;
    }
    const rec = d.record.inputs[name];
    for (const [rel, digest] of rec && "files" in rec ? rec.files : []) {
      const file = resolve(root, rel);
      let got: string;
      try {
        got = await hashFile(file);
      } catch {
        throw new Error(`input file ${rel} is missing under ${root}. Hint: a worker needs the coordinator's files at the same paths relative to its root`);
      }
      if (got !== digest) throw new Error(`input file ${rel} under ${root} differs from the coordinator's (digest ${got}, expected ${digest}). Hint: a worker needs the same files as the coordinator`);
    }
    out[name] = inp.files.map((f) => resolve(root, f));
  }
  return out;
}

/** Run the stage in a private dir and publish it in this machine's store (as build() does for a local run). */
async function runStage(
  d: StageJob,
  run: (ctx: StageContext) => Promise<void>,
  inputs: Record<string, string | readonly string[]>,
  store: Store,
  root: string,
  signal: AbortSignal,
  report: Reporter,
  onLog: (line: string) => void,
): Promise<void> {
  const runDir = store.newRunDir(d.key);
  const scratchDir = store.scratchDir(d.key);
  mkdirSync(scratchDir, { recursive: true });
  const logs: string[] = [];
  let logsDropped = 0;
  const metrics: { name: string; value: number; step?: number }[] = [];
  const ctx: StageContext = {
    id: d.id,
    params: d.params,
    inputs,
    outDir: join(runDir, "out"),
    scratchDir,
    root,
    resource: d.resource,
    signal,
    log(line) {
      for (const l of String(line).split("\n")) {
        logs.push(l);
        if (logs.length > MAX_LOG_LINES) {
          logs.shift();
          logsDropped++;
        }
        report.log(l);
        onLog(l);
      }
    },
    progress(p) {
      report.progress(p);
    },
    metric(name, value, step) {
      const m = step === undefined ? { name, value } : { name, value, step };
      if (metrics.length < MAX_METRICS) metrics.push(m);
      report.metric(m);
    },
  };
  const t = performance.now();
  try {
    await run(ctx);
  } catch (e) {
    removeTree(runDir);
    throw e;
  }
  await store.publish(runDir, d.key, { record: d.record, durationMs: performance.now() - t, logs, logsDropped, metrics });
  removeTree(scratchDir);
}

/** Batches a running stage's logs, progress and metrics into job progress updates (the coordinator's events). */
class Reporter {
  private logs: string[] = [];
  private dropped = 0;
  private metrics: WorkerReport["metrics"][number][] = [];
  private latest: Progress | undefined;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private sending: Promise<void> = Promise.resolve();

  constructor(
    private readonly job: Job,
    private readonly worker: string,
    private readonly attempt: number,
  ) {}

  log(line: string): void {
    if (this.logs.length < MAX_REPORT_LINES) this.logs.push(line);
    else this.dropped++;
    this.soon();
  }
  progress(p: Progress): void {
    this.latest = p;
    this.soon();
  }
  metric(m: WorkerReport["metrics"][number]): void {
    if (this.metrics.length < MAX_REPORT_LINES) this.metrics.push(m);
    this.soon();
  }

  /** Send what is buffered now (and wait for it). Never rejects: reports are best-effort. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const logs = this.dropped > 0 ? [...this.logs, `(${this.dropped} more log lines not forwarded; the stage's entry keeps them)`] : this.logs;
    const r: WorkerReport = { worker: this.worker, attempt: this.attempt, logs, metrics: this.metrics, ...(this.latest ? { progress: this.latest } : {}) };
    this.logs = [];
    this.metrics = [];
    this.dropped = 0;
    this.latest = undefined;
    this.sending = this.sending.then(() => this.job.updateProgress(r as unknown as object).catch(() => {}));
    return this.sending;
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private soon(): void {
    this.timer ??= setTimeout(() => void this.flush(), REPORT_EVERY_MS);
  }
}

/**
 * A job runs with the coordinator's values of its stage's env allowlist (they are part of its key). Jobs whose values
 * match this process's env run side by side; a job that needs others runs alone, with them set, then restored.
 */
class EnvGate {
  private shared = 0;
  private exclusive = false;
  private wake: (() => void)[] = [];

  async run<T>(env: Readonly<Record<string, string | null>>, fn: () => Promise<T>): Promise<T> {
    const differs = Object.entries(env).some(([k, v]) => (process.env[k] ?? null) !== v);
    if (!differs) {
      await this.until(() => !this.exclusive);
      this.shared++;
      try {
        return await fn();
      } finally {
        this.shared--;
        this.release();
      }
    }
    await this.until(() => !this.exclusive && this.shared === 0);
    this.exclusive = true;
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    const set = (vals: Readonly<Record<string, string | null | undefined>>) => {
      for (const [k, v] of Object.entries(vals)) {
        if (v === null || v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    };
    set(env);
    try {
      return await fn();
    } finally {
      set(saved);
      this.exclusive = false;
      this.release();
    }
  }

  private async until(ok: () => boolean): Promise<void> {
    while (!ok()) await new Promise<void>((r) => this.wake.push(r));
  }

  private release(): void {
    const w = this.wake;
    this.wake = [];
    for (const f of w) f();
  }
}

