// build(): run a stage graph. Keys first (all at once), then a scheduler that starts a stage when its upstreams are
// done: cache hits replay their logs, equal keys run once (dedup), misses take the key's cross-process lock, run in a
// private dir and are published atomically. Independent stages run in parallel up to `concurrency`, gpu stages
// through `gpuSlots`. With a remote cache (remote/), a local miss is looked up there before it runs, and what ran is
// uploaded. With a queue (queue/), such a stage runs on a worker instead: it is queued, not counted against
// `concurrency`, and its output comes back through the remote cache. One file because the scheduler's state machine
// reads best in one place.

import { mkdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { StatCache } from "./digest.ts";
import { StageFailedError } from "./errors.ts";
import { removeTree, uniqueSuffix, writeJsonAtomic } from "./fs-util.ts";
import { topoOrder, upstreamIds } from "./graph.ts";
import { computeKeys, type KeyedStage } from "./keys.ts";
import { acquireLock, tryLock, type Lock } from "./lock.ts";
import { explainMiss } from "./plan.ts";
import { redactUrl } from "./queue/job.ts";
import { RemoteCache } from "./remote/remote-cache.ts";
import { MAX_LOG_LINES, MAX_METRICS, Store } from "./store.ts";
import type { BuildOptions, BuildSummary, EngineEvent, StageContext, StageDef, StageStatus } from "./types.ts";

type StageResult = { readonly ok: true; readonly outDir: string } | { readonly ok: false; readonly error: string };

interface StageState {
  status: StageStatus;
  durationMs: number;
  outDir?: string;
  error?: string;
  reason?: string;
  remote?: "hit" | "uploaded";
  worker?: string;
}

/** The cache dir a CLI should use: $LATHE_CACHE, else `<root>/cache`. */
export function resolveCacheDir(root: string): string {
  return process.env.LATHE_CACHE ? process.env.LATHE_CACHE : join(root, "cache");
}

export async function build(graph: readonly StageDef[], opts: BuildOptions): Promise<BuildSummary> {
  const t0 = performance.now();
  const startedAt = Date.now();
  // A throwing listener must not wedge the scheduler: remember its first error and reject with it at the end.
  let listenerError: unknown = null;
  const emit = (e: EngineEvent): void => {
    try {
      opts.onEvent?.(e);
    } catch (err) {
      listenerError ??= err;
    }
  };
  const order = topoOrder(graph);
  const store = new Store(opts.cacheDir);
  mkdirSync(opts.cacheDir, { recursive: true });
  store.sweepDeadRunDirs();
  const statCache = StatCache.load(opts.cacheDir);
  const root = opts.root ?? process.cwd();
  const keyed = await computeKeys(order, root, statCache);
  statCache.save();
  // Redis and the remote cache are checked before anything runs: unreachable is one QueueError, or (fallback local)
  // one queue-error event and a local build.
  // (bullmq loads only then: a third of a second that local builds do not pay.)
  const opened = opts.queue ? await (await import("./queue/dispatcher.ts")).StageQueue.open(opts.queue, opts.remote, keyed, order, store, root, emit) : null;
  const queue = opened?.queue ?? null;

  const concurrency = Math.max(1, opts.concurrency ?? availableParallelism());
  const gpuSlots = Math.max(1, opts.gpuSlots ?? 1);
  const abort = new AbortController(); // fires for the stages when opts.signal does
  const onAbort = (): void => abort.abort(opts.signal?.reason);
  if (opts.signal?.aborted) onAbort();
  opts.signal?.addEventListener("abort", onAbort, { once: true });

  emit({ type: "build-start", at: startedAt, stages: order.map((s) => ({ id: s.id, kind: s.kind, ...(s.title !== undefined ? { title: s.title } : {}) })) });
  if (opened?.error !== undefined && order[0]) emit({ type: "queue-error", id: order[0].id, key: keyed.get(order[0].id)!.key, url: opened.url, message: opened.error, fallback: "local" });
  for (const s of order) emit({ type: "stage-queued", id: s.id, key: keyed.get(s.id)!.key });

  const state = new Map<string, StageState>(order.map((s) => [s.id, { status: "queued", durationMs: 0 }]));
  const pending = [...order];
  const byKey = new Map<string, Promise<StageResult>>(); // runs in this build, for dedup
  let running = 0;
  let gpuRunning = 0;
  let outstanding = 0; // running stages + dedup waiters
  let stopReason: string | null = null;
  /** Stages whose key another build holds: told once, then the scheduler looks again every 100 ms. */
  const lockWaitNoted = new Set<string>();
  let repumpTimer: ReturnType<typeof setTimeout> | null = null;
  const repumpSoon = (): void => {
    repumpTimer ??= setTimeout(() => {
      repumpTimer = null;
      pump();
    }, 100);
  };
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  const remote = opts.remote
    ? new RemoteCache(opts.remote, order, store, emit, () => {
        stopReason ??= "build stopped: the remote cache failed";
        pump();
      })
    : null;

  const finish = (id: string, s: StageState): void => {
    state.set(id, s);
  };

  const replayCached = (ks: KeyedStage, source: "local" | "remote" = "local"): void => {
    const m = store.readManifest(ks.key);
    for (const line of m?.logs ?? []) emit({ type: "stage-log", id: ks.def.id, line, replay: true });
    store.touch(ks.key);
    const last = store.readLast(ks.def.id);
    if (last?.key !== ks.key) {
      try {
        store.writeLast(ks.def.id, ks.key, ks.record);
      } catch {
        // Only explain's baseline; a read-only store still serves hits.
      }
    }
    emit({ type: "stage-cached", id: ks.def.id, key: ks.key, source });
    finish(ks.def.id, { status: "cached", durationMs: 0, outDir: store.outDir(ks.key), ...(source === "remote" ? { remote: "hit" as const } : {}) });
  };

  const pump = (): void => {
    if (abort.signal.aborted && stopReason === null) stopReason = "build aborted";
    let progressed = true;
    while (progressed) {
      progressed = false;
      for (let i = 0; i < pending.length; i++) {
        const def = pending[i]!;
        const ks = keyed.get(def.id)!;
        const ups = upstreamIds(def).map((u) => [u, state.get(u)!] as const);
        if (ups.some(([, s]) => s.status === "queued" || s.status === "running")) continue;
        const bad = ups.find(([, s]) => s.status === "failed" || s.status === "skipped");
        const skipReason = bad ? `upstream ${bad[0]} ${bad[1].status}` : stopReason;
        if (skipReason !== null) {
          pending.splice(i--, 1);
          finish(def.id, { status: "skipped", durationMs: 0, reason: skipReason });
          emit({ type: "stage-skipped", id: def.id, reason: skipReason });
          progressed = true;
          continue;
        }
        const twin = byKey.get(ks.key);
        if (twin) {
          pending.splice(i--, 1);
          outstanding++;
          state.get(def.id)!.status = "running";
          void twin.then((r) => {
            if (r.ok) replayCached(ks);
            else {
              finish(def.id, { status: "failed", durationMs: 0, error: r.error });
              emit({ type: "stage-failed", id: def.id, key: ks.key, error: r.error });
            }
            outstanding--;
            pump();
          });
          progressed = true;
          continue;
        }
        if (store.has(ks.key)) {
          pending.splice(i--, 1);
          replayCached(ks);
          progressed = true;
          continue;
        }
        // A stage for a worker takes no slot here: the workers' slots bound it.
        const remoteRun = queue?.takes(def) ?? false;
        const gpu = !remoteRun && (def.resource ?? "cpu") === "gpu";
        const slot = remoteRun ? 0 : 1;
        if (slot > 0 && (running >= concurrency || (gpu && gpuRunning >= gpuSlots))) continue;
        // Another build holds this key: wait without a slot, so other ready stages can use it, and look again soon.
        let lock: Lock | undefined;
        if (slot > 0) {
          const got = tryLock(store.lockPath(ks.key));
          if (!("lock" in got)) {
            if (!lockWaitNoted.has(def.id)) {
              lockWaitNoted.add(def.id);
              const h = got.holder;
              emit({ type: "stage-log", id: def.id, line: `waiting for another build of this stage${h ? ` (pid ${h.pid} on ${h.host})` : ""}`, replay: false });
            }
            repumpSoon();
            continue;
          }
          lock = got.lock;
        }
        pending.splice(i--, 1);
        running += slot;
        outstanding++;
        if (gpu) gpuRunning++;
        state.get(def.id)!.status = "running";
        const p = runStage(ks, lock);
        byKey.set(ks.key, p);
        void p.then((r) => {
          running -= slot;
          outstanding--;
          if (gpu) gpuRunning--;
          if (!r.ok && !opts.continueOnError && stopReason === null) stopReason = `build stopped after ${def.id} failed`;
          pump();
        });
        progressed = true;
      }
    }
    if (pending.length === 0 && outstanding === 0) resolveDone();
  };

  const fail = (ks: KeyedStage, error: string, t: number): StageResult => {
    finish(ks.def.id, { status: "failed", durationMs: performance.now() - t, error });
    emit({ type: "stage-failed", id: ks.def.id, key: ks.key, error });
    return { ok: false, error };
  };

  /** Never rejects (the scheduler waits on it): any error becomes a failed StageResult. */
  const runStage = async (ks: KeyedStage, held?: Lock): Promise<StageResult> => {
    const t = performance.now();
    try {
      return await runStageUnguarded(ks, held);
    } catch (e) {
      return fail(ks, new StageFailedError(ks.def.id, ks.key, errorText(e), { cause: e }).message, t);
    }
  };

  /** Lock, recheck, run in a private dir, publish. */
  const runStageUnguarded = async (ks: KeyedStage, held?: Lock): Promise<StageResult> => {
    const id = ks.def.id;
    const tWait = performance.now();
    let lock = held;
    try {
      lock ??= await acquireLock(store.lockPath(ks.key), {
        signal: abort.signal,
        onWait: (h) => emit({ type: "stage-log", id, line: `waiting for another build of this stage${h ? ` (pid ${h.pid} on ${h.host})` : ""}`, replay: false }),
      });
    } catch {
      return fail(ks, "aborted while waiting for another build of the same stage", tWait);
    }
    try {
      if (store.has(ks.key)) {
        replayCached(ks);
        return { ok: true, outDir: store.outDir(ks.key) };
      }
      if (remote) {
        const tFetch = performance.now();
        const r = await remote.fetch(ks, abort.signal);
        if (r.type === "hit") {
          replayCached(ks, "remote");
          return { ok: true, outDir: r.outDir };
        }
        if (r.type === "fatal") return fail(ks, r.message, tFetch);
        if (r.type === "aborted") return fail(ks, "build aborted", tFetch);
      }
      if (queue?.takes(ks.def)) return await runQueued(ks);
      const t = performance.now();
      emit({ type: "stage-start", id, key: ks.key, at: Date.now(), changes: explainMiss(store, ks) });
      const runDir = store.newRunDir(ks.key);
      const scratchDir = store.scratchDir(ks.key);
      mkdirSync(scratchDir, { recursive: true });
      const logs: string[] = [];
      let logsDropped = 0;
      const metrics: { name: string; value: number; step?: number }[] = [];
      const inputs: Record<string, string | readonly string[]> = {};
      for (const [name, inp] of Object.entries(ks.def.inputs)) {
        inputs[name] = "stage" in inp ? state.get(inp.stage)!.outDir! : ks.filePaths[name]!;
      }
      const ctx: StageContext = {
        id,
        params: ks.def.params,
        inputs,
        outDir: join(runDir, "out"),
        scratchDir,
        root,
        resource: ks.def.resource ?? "cpu",
        signal: abort.signal,
        log(line) {
          for (const l of String(line).split("\n")) {
            logs.push(l);
            if (logs.length > MAX_LOG_LINES) {
              logs.shift();
              logsDropped++;
            }
            emit({ type: "stage-log", id, line: l, replay: false });
          }
        },
        progress(p) {
          emit({ type: "stage-progress", id, progress: p, at: Date.now() });
        },
        metric(name, value, step) {
          if (metrics.length < MAX_METRICS) metrics.push(step === undefined ? { name, value } : { name, value, step });
          emit(step === undefined ? { type: "stage-metric", id, name, value } : { type: "stage-metric", id, name, value, step });
        },
      };
      try {
        await ks.def.run(ctx);
      } catch (e) {
        removeTree(runDir);
        return fail(ks, errorText(e), t);
      }
      const durationMs = performance.now() - t;
      let outDir: string;
      try {
        outDir = await store.publish(runDir, ks.key, { record: ks.record, durationMs, logs, logsDropped, metrics });
      } catch (e) {
        removeTree(runDir);
        return fail(ks, new StageFailedError(id, ks.key, `could not store its outputs: ${errorText(e)}`).message, t);
      }
      store.writeLast(id, ks.key, ks.record);
      removeTree(scratchDir);
      finish(id, { status: "done", durationMs, outDir });
      emit({ type: "stage-done", id, key: ks.key, durationMs });
      remote?.upload(ks, abort.signal, () => (state.get(id)!.remote = "uploaded"));
      return { ok: true, outDir };
    } finally {
      lock.release();
    }
  };

  /** On a worker, through the queue: stage-start when a worker takes it, then like a local run. */
  const runQueued = async (ks: KeyedStage): Promise<StageResult> => {
    const id = ks.def.id;
    const t = performance.now();
    const r = await queue!.run(ks, abort.signal, () => emit({ type: "stage-start", id, key: ks.key, at: Date.now(), changes: explainMiss(store, ks) }));
    if (!r.ok) {
      const f = fail(ks, r.error, t);
      if (r.worker !== undefined) state.get(id)!.worker = r.worker;
      return f;
    }
    store.writeLast(id, ks.key, ks.record);
    finish(id, { status: "done", durationMs: r.durationMs, outDir: r.outDir, worker: r.worker });
    emit({ type: "stage-done", id, key: ks.key, durationMs: r.durationMs });
    return { ok: true, outDir: r.outDir };
  };

  pump();
  await done;
  await remote?.settle();
  await queue?.close();
  opts.signal?.removeEventListener("abort", onAbort);

  const stages = order.map((def) => {
    const s = state.get(def.id)!;
    return {
      id: def.id,
      kind: def.kind,
      key: keyed.get(def.id)!.key,
      status: s.status,
      durationMs: Math.round(s.durationMs),
      ...(s.outDir !== undefined ? { outDir: s.outDir } : {}),
      ...(s.error !== undefined ? { error: s.error } : {}),
      ...(s.reason !== undefined ? { reason: s.reason } : {}),
      ...(s.remote !== undefined ? { remote: s.remote } : {}),
      ...(s.worker !== undefined ? { worker: s.worker } : {}),
    };
  });
  const runFile = join(opts.cacheDir, "runs", `${new Date(startedAt).toISOString().replace(/[:.]/g, "-")}-${uniqueSuffix()}.json`);
  const summary: BuildSummary = {
    ok: stages.every((s) => s.status === "cached" || s.status === "done") && !remote?.fatal,
    durationMs: Math.round(performance.now() - t0),
    stages,
    ...(remote ? { remote: remote.summary() } : {}),
    ...(queue ? { queue: queue.summary() } : opened ? { queue: { url: redactUrl(opts.queue!.url), jobs: 0, workers: {}, error: opened.error! } } : {}),
    runFile,
  };
  writeJsonAtomic(runFile, { startedAt, ...(opts.label === undefined ? {} : { label: opts.label }), ...summary });
  emit({ type: "build-done", at: Date.now(), summary });
  if (listenerError !== null) throw listenerError;
  return summary;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
