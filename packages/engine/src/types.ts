// The engine's public contract: what a stage is, what it gets when it runs, and the events a build emits.
// The engine knows nothing of ML; domain packages (data, tokenizer, model, ...) build StageDefs against this file.

/** Which scarce resource a stage needs. GPU stages share one slot by default. */
export type Resource = "cpu" | "gpu";

/** Something a stage reads: the output directory of another stage, or files on disk (hashed by content). */
export type StageInput =
  | { readonly stage: string } // id of an upstream StageDef in the same graph
  | { readonly files: readonly string[] }; // absolute or repo-relative paths, already glob-expanded

/** JSON-serializable values only: params are hashed canonically (sorted keys). */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [k: string]: Json };

export interface StageDef<P extends Json = Json> {
  /** Unique within a graph, human-readable: "clean", "trial-3/train". Not part of the cache key. */
  readonly id: string;
  /** Stable stage type, e.g. "data.clean". Part of the cache key. */
  readonly kind: string;
  /** Implementation version; bump it when the same params + inputs would give different output. */
  readonly version: string;
  /** The slice of the recipe this stage reads, and nothing else. */
  readonly params: P;
  /** Named inputs; ctx.inputs[name] gives their paths when the stage runs. */
  readonly inputs: Readonly<Record<string, StageInput>>;
  /** Default "cpu". */
  readonly resource?: Resource;
  /** Env var names whose values are part of the key (an allowlist; default none). */
  readonly env?: readonly string[];
  /** A label for UIs, e.g. "clean 4 rules". Not part of the key. */
  readonly title?: string;
  /**
   * Its output depends on the machine, not only on the key (e.g. it stops after a time budget, so a faster machine
   * does more). Such a stage, and every stage downstream of it, is never uploaded to nor downloaded from the remote
   * cache. A string says why, for --dry and explain ("time_budget 9.5m"). Not part of the key. @default false
   */
  readonly machineDependent?: boolean | string;
  run(ctx: StageContext<P>): Promise<void>;
}

export interface Progress {
  readonly done: number;
  readonly total?: number;
  /** Unit of done/total for display: "docs", "MB", "steps", "tokens". */
  readonly unit?: string;
}

export interface StageContext<P extends Json = Json> {
  readonly id: string;
  readonly params: P;
  /**
   * For a { stage } input: the directory holding that stage's outputs (read-only).
   * For a { files } input: the list of file paths, in the order given.
   */
  readonly inputs: Readonly<Record<string, string | readonly string[]>>;
  /** An empty private directory; everything written here becomes the stage's output once run() resolves. */
  readonly outDir: string;
  /** A directory that survives a failed or killed run of the same key, for checkpoints and resume. */
  readonly scratchDir: string;
  /** The build's root (BuildOptions.root): where relative paths in params resolve, on whichever machine runs it. */
  readonly root: string;
  readonly resource: Resource;
  readonly signal: AbortSignal;
  log(line: string): void;
  progress(p: Progress): void;
  metric(name: string, value: number, step?: number): void;
}

export type StageStatus = "queued" | "running" | "cached" | "done" | "failed" | "skipped";

/** One change that explains a cache miss, relative to the last successful build of the same stage id. */
export type Change =
  | { readonly type: "new"; readonly detail: string } // never built before
  | { readonly type: "param"; readonly path: string; readonly from: Json | undefined; readonly to: Json | undefined }
  | { readonly type: "file"; readonly path: string; readonly detail: "added" | "removed" | "changed" }
  | { readonly type: "upstream"; readonly stage: string }
  | { readonly type: "version"; readonly from: string; readonly to: string }
  | { readonly type: "kind"; readonly from: string; readonly to: string }
  | { readonly type: "env"; readonly name: string }
  | { readonly type: "input"; readonly name: string; readonly detail: "added" | "removed" | "changed" }; // an input slot itself (not its content)

export type EngineEvent =
  | { readonly type: "build-start"; readonly at: number; readonly stages: readonly { id: string; kind: string; title?: string }[] }
  | { readonly type: "stage-queued"; readonly id: string; readonly key: string }
  | { readonly type: "stage-start"; readonly id: string; readonly key: string; readonly at: number; readonly changes: readonly Change[] }
  /** source: where the outputs came from, the local store or (downloaded just now) the remote cache. */
  | { readonly type: "stage-cached"; readonly id: string; readonly key: string; readonly source?: "local" | "remote" }
  | { readonly type: "stage-log"; readonly id: string; readonly line: string; readonly replay: boolean }
  | { readonly type: "stage-progress"; readonly id: string; readonly progress: Progress; readonly at: number }
  | { readonly type: "stage-metric"; readonly id: string; readonly name: string; readonly value: number; readonly step?: number }
  | { readonly type: "stage-done"; readonly id: string; readonly key: string; readonly durationMs: number }
  | { readonly type: "stage-failed"; readonly id: string; readonly key: string; readonly error: string }
  | { readonly type: "stage-skipped"; readonly id: string; readonly reason: string }
  | { readonly type: "build-done"; readonly at: number; readonly summary: BuildSummary }
  /**
   * The remote cache and one stage: "hit" (its artifact was downloaded, verified and stored; stage-cached follows),
   * "rejected" (the artifact failed verification; detail says why, and the stage runs locally), "uploaded".
   */
  | { readonly type: "stage-remote"; readonly id: string; readonly key: string; readonly action: "hit" | "rejected" | "uploaded"; readonly bytes: number; readonly durationMs: number; readonly detail?: string }
  /**
   * The first failed request to the remote cache (at most one per build): `message` names the URL, the status and a
   * hint. With fallback "local" the build goes on without the remote; with "error" it stops. `id` is the stage whose
   * request failed.
   */
  | { readonly type: "remote-error"; readonly id: string; readonly key: string; readonly url: string; readonly status: number | null; readonly message: string; readonly fallback: "local" | "error" }
  /**
   * A stage's job was taken by a worker (BuildOptions.queue): `worker` is its name. A job retried after its worker
   * died is taken again: the event repeats with the new worker and `attempt` + 1.
   */
  | { readonly type: "stage-worker"; readonly id: string; readonly key: string; readonly worker: string; readonly attempt: number }
  /**
   * The queue or the remote cache was unreachable at the start and fallback "local" builds here (once per build, right
   * after build-start). `id` and `key` are the graph's first stage, as remote-error names the stage whose request failed.
   */
  | { readonly type: "queue-error"; readonly id: string; readonly key: string; readonly url: string; readonly message: string; readonly fallback: "local" };

export interface BuildSummary {
  readonly ok: boolean;
  readonly durationMs: number;
  readonly stages: readonly {
    readonly id: string;
    readonly kind: string;
    readonly key: string;
    readonly status: StageStatus;
    readonly durationMs: number;
    /** Where the outputs are, when status is cached or done. */
    readonly outDir?: string;
    readonly error?: string;
    /** Why a stage was skipped (an upstream failed, the build was aborted or stopped). */
    readonly reason?: string;
    /** "hit": downloaded from the remote cache (status cached); "uploaded": built here and uploaded. */
    readonly remote?: "hit" | "uploaded";
    /** The worker that ran it, when it ran through the queue (status done or failed). */
    readonly worker?: string;
  }[];
  /** What the queue did, when BuildOptions.queue was given. */
  readonly queue?: QueueSummary;
  /** What the remote cache did, when BuildOptions.remote was given. */
  readonly remote?: RemoteSummary;
  /** The run summary JSON written under the cache (`runs/<timestamp>-<pid>.json`). */
  readonly runFile?: string;
}

/** Options of build(). */
export interface BuildOptions {
  /** The store directory. The CLI resolves it (`LATHE_CACHE` or `<repo>/cache`, see resolveCacheDir). */
  readonly cacheDir: string;
  /** Relative file inputs are resolved against it, and file paths enter keys relative to it. @default process.cwd() */
  readonly root?: string;
  /** Stages running at once. @default os.availableParallelism() */
  readonly concurrency?: number;
  /** Stages with resource "gpu" running at once. @default 1 */
  readonly gpuSlots?: number;
  /** Keep building independent stages after a failure (dependents are skipped). @default false */
  readonly continueOnError?: boolean;
  /** Aborts running stages (their ctx.signal fires) and skips the rest. */
  readonly signal?: AbortSignal;
  /** What this build is, for people reading the run summary and `status` (e.g. the recipe path). */
  readonly label?: string;
  /** A shared cache behind the local one, spoken to over the Turborepo remote-cache HTTP API. @default none */
  readonly remote?: RemoteCacheOptions;
  /**
   * Run stages on workers (`lathe worker`) through a BullMQ queue in Redis instead of here; needs `remote`, which
   * carries inputs and outputs between machines. Machine-dependent stages (and those downstream) still run here.
   * @default none
   */
  readonly queue?: QueueOptions;
  onEvent?(e: EngineEvent): void;
}

/**
 * A Turborepo remote-cache server (`GET/PUT/HEAD <url>/v8/artifacts/<key>`). A stage that misses locally is looked up
 * there before it runs; a stage that ran is uploaded.
 * @example { url: "https://cache.example.com", token: process.env.LATHE_REMOTE_TOKEN!, team: "ml" }
 */
export interface RemoteCacheOptions {
  /** The server's base URL; artifacts live at `<url>/v8/artifacts/<key>`. */
  readonly url: string;
  /** Sent as `Authorization: Bearer <token>`; never logged. */
  readonly token: string;
  /** Sent as `?teamId=`. turborepo-remote-cache stores artifacts per team and needs this or `slug`. */
  readonly team?: string;
  /** Sent as `?slug=`. */
  readonly slug?: string;
  /** Upload what this build runs; false makes the remote read-only for this build. @default true */
  readonly upload?: boolean;
  /** Longest wait for an answer, and for each pause while a download streams (uploads get 1 s more per MiB). @default 30000 */
  readonly timeoutMs?: number;
  /**
   * When a request fails (unreachable, timeout, refused token, server error): "local" reports it once and builds the
   * rest without the remote; "error" fails the build with that message. @default "local"
   */
  readonly fallback?: "local" | "error";
}

/**
 * A BullMQ queue in Redis that workers take stage jobs from. Jobs of gpu stages go to `<name>.gpu`, the rest to
 * `<name>.cpu`, so a worker runs a gpu stage only in one of its GPU slots.
 * @example { url: "redis://10.0.0.5:6379", fallback: "local" }
 */
export interface QueueOptions {
  /** `redis://[user:password@]host:port[/db]` (the password never appears in messages). */
  readonly url: string;
  /** Prefix of the queue names; coordinator and workers must agree. @default "lathe" */
  readonly name?: string;
  /**
   * When Redis or the remote cache cannot be reached at the start: "error" fails the build with one line naming the
   * URL; "local" reports it (a `queue-error` event) and builds here with the local cache. @default "error"
   */
  readonly fallback?: "local" | "error";
  /** Longest wait for Redis to answer at the start. @default 5000 */
  readonly connectTimeoutMs?: number;
  /** A build fails its queued stages when Redis stays unreachable this long mid-build. @default 60000 */
  readonly lostAfterMs?: number;
}

export interface QueueSummary {
  /** The Redis URL, password hidden. */
  readonly url: string;
  /** Stages run on workers. */
  readonly jobs: number;
  /** Stages that ran on each worker (a retried stage counts for the worker that finished it). */
  readonly workers: Readonly<Record<string, number>>;
  /** Set when the queue was not used (unreachable at the start, fallback "local"). */
  readonly error?: string;
}

export interface RemoteSummary {
  /** The server's base URL. */
  readonly url: string;
  /** Stages downloaded from the remote instead of run. */
  readonly hits: number;
  /** Artifacts uploaded. */
  readonly uploads: number;
  /** Failed requests (the first one is `error`; after it the build stopped using the remote). */
  readonly errors: number;
  /** Downloaded artifacts that failed verification (their stages ran locally). */
  readonly rejected: number;
  /** The first failed request's message (URL, status, hint). */
  readonly error?: string;
}

/** Options of plan(). */
export interface PlanOptions {
  readonly cacheDir: string;
  /** @default process.cwd() */
  readonly root?: string;
}

/** One stage as plan() sees it: its key, whether it is cached, and why not. */
export interface PlannedStage {
  readonly id: string;
  readonly kind: string;
  readonly title?: string;
  readonly resource: Resource;
  readonly key: string;
  readonly status: "hit" | "miss";
  /** Empty on a hit. On a miss: what changed since the last successful build of this stage id. */
  readonly changes: readonly Change[];
  /** Upstream stage ids (from { stage } inputs). */
  readonly deps: readonly string[];
  /** The cached output directory on a hit. */
  readonly outDir?: string;
  /** Set when the stage is machine-dependent (StageDef.machineDependent): its reason, or true when none was given. */
  readonly machineDependent?: true | string;
}

export interface GcOptions {
  readonly cacheDir: string;
  /** Stage keys to keep (what current recipes reference), with the blobs they use. */
  readonly keep: readonly string[];
  /** Evict the least recently used unkept entries until the store is at most this big. */
  readonly maxSizeBytes?: number;
  /** Evict unkept entries not used for this long. */
  readonly maxAgeMs?: number;
  /** Report what would go, delete nothing. @default false */
  readonly dryRun?: boolean;
}

export interface GcReport {
  /** Keys of the evicted stage entries. */
  readonly removedKeys: readonly string[];
  readonly removedBlobs: number;
  readonly freedBytes: number;
  readonly keptKeys: number;
  /** Store size after gc (blobs + manifests), bytes. */
  readonly sizeBytes: number;
}

export interface StoreEntry {
  readonly key: string;
  readonly id: string;
  readonly kind: string;
  /** Sum of the entry's output file sizes (blobs may be shared with other entries). */
  readonly bytes: number;
  readonly files: number;
  readonly createdAt: number;
  readonly lastUsedAt: number;
  readonly durationMs: number;
}

export interface StoreStatus {
  readonly cacheDir: string;
  readonly entries: readonly StoreEntry[];
  readonly blobs: number;
  /** Bytes of all blobs (each counted once). */
  readonly blobBytes: number;
  /** The most recent run summaries, newest first. */
  readonly lastRuns: readonly { readonly file: string; readonly at: number; readonly ok: boolean; readonly durationMs: number; readonly counts: Readonly<Record<string, number>>; readonly label?: string }[];
}
