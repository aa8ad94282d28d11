// @lathe/engine: a generic, content-hashed, cached stage graph. Knows nothing of ML.

/** The contract domain packages build against. */
export type * from "./types.ts";

/** Running and planning a graph. */
export { build, resolveCacheDir } from "./build.ts";
export { plan } from "./plan.ts";
export { formatChange, formatValue } from "./explain.ts";

/** Stage kinds: what a package contributes to a planner (reads, consumes, produces, how to load it). */
export { StageRegistry, RegistryError, type StageKind, type StageImpl, type StageChain, type PlannedDef } from "./registry.ts";

/** Graph checks and pictures. */
export { topoOrder, upstreamIds } from "./graph.ts";
export { toMermaid, toDot } from "./format-graph.ts";

/** The store: inspection, eviction, lookup. */
export { status } from "./status.ts";
export { gc } from "./gc.ts";
export { stageOutput } from "./status.ts";

/** The remote cache client (Turborepo remote-cache HTTP API); build() uses it when given BuildOptions.remote. */
export { RemoteCacheClient } from "./remote/index.ts";

/** Distributed builds: a worker that runs the stages build() queues (BuildOptions.queue) on BullMQ. */
export { startWorker, redactUrl, type StageWorker, type WorkerOptions, type WorkerEvent } from "./queue/index.ts";

/** Hashing. */
export { canonicalJson } from "./canonical.ts";
export { hashFile, hashBytes, StatCache } from "./digest.ts";

/** Errors. */
export { EngineError, CanonicalJsonError, GraphError, InputFileError, StageFailedError } from "./errors.ts";
export { RemoteCacheError, ArtifactError } from "./remote/index.ts";
export { QueueError } from "./queue/index.ts";
