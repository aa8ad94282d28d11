// The remote cache as one build uses it: which stages may use it (none that is machine-dependent or downstream of
// one), download → verify → publish before a stage runs, upload after it ran (queued, one artifact per PUT), the
// counts, and the rule for failures: the first failed request is reported once and ends the remote's use for the
// build (fallback "local"; an upload the server refuses ends only uploads), or stops the build (fallback "error").

import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { uniqueSuffix, removeTree } from "../fs-util.ts";
import { upstreamIds } from "../graph.ts";
import type { KeyedStage } from "../keys.ts";
import type { Store } from "../store.ts";
import type { EngineEvent, RemoteCacheOptions, RemoteSummary, StageDef } from "../types.ts";
import { packArtifact, unpackArtifact } from "./artifact.ts";
import { RemoteCacheClient } from "./client.ts";
import { ArtifactError, RemoteCacheError } from "./errors.ts";

export type FetchResult =
  | { readonly type: "hit"; readonly outDir: string }
  /** Not on the server, rejected, or the remote is off: run the stage here. */
  | { readonly type: "miss" }
  /** fallback "error": the stage fails with this message. */
  | { readonly type: "fatal"; readonly message: string }
  | { readonly type: "aborted" };

/** Ids of the stages that may use the remote: not machine-dependent, and no upstream is (their keys cannot see it). */
export function remoteEligible(order: readonly StageDef[]): Set<string> {
  const tainted = new Set<string>();
  for (const def of order) if (def.machineDependent || upstreamIds(def).some((u) => tainted.has(u))) tainted.add(def.id);
  return new Set(order.filter((d) => !tainted.has(d.id)).map((d) => d.id));
}

export class RemoteCache {
  private readonly client: RemoteCacheClient;
  private readonly eligible: Set<string>;
  private readonly fallback: "local" | "error";
  private hits = 0;
  private uploads = 0;
  private errors = 0;
  private rejected = 0;
  /** The line reported for the first failed request (the only one reported). */
  private firstError: string | null = null;
  /** What a failure switched off for the rest of the build: everything, or (the server refused an upload) uploads. */
  private off: "all" | "uploads" | null = null;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly opts: RemoteCacheOptions,
    order: readonly StageDef[],
    private readonly store: Store,
    private readonly emit: (e: EngineEvent) => void,
    /** Called once, with the message, when a request fails under fallback "error". */
    private readonly onFatal: (message: string) => void,
  ) {
    this.client = new RemoteCacheClient(opts);
    this.eligible = remoteEligible(order);
    this.fallback = opts.fallback ?? "local";
  }

  /** The build must fail: a request failed under fallback "error". */
  get fatal(): string | null {
    return this.fallback === "error" ? this.firstError : null;
  }

  private usable(ks: KeyedStage, forUpload = false): boolean {
    return (this.off === null || (this.off === "uploads" && !forUpload)) && this.eligible.has(ks.def.id);
  }

  /** Look the stage up on the server; on a hit its verified outputs are published in the local store. */
  async fetch(ks: KeyedStage, signal: AbortSignal): Promise<FetchResult> {
    if (this.fatal !== null) return { type: "fatal", message: this.fatal };
    if (!this.usable(ks)) return { type: "miss" };
    const t = performance.now();
    const runDir = this.store.newRunDir(ks.key);
    try {
      const archive = join(runDir, "artifact");
      let bytes: number | null;
      try {
        bytes = await this.client.download(ks.key, archive, signal);
      } catch (e) {
        if (signal.aborted) return { type: "aborted" };
        return this.failed(ks, e);
      }
      if (bytes === null) return { type: "miss" };
      let header;
      try {
        header = await unpackArtifact(archive, ks.key, join(runDir, "out"));
      } catch (e) {
        if (!(e instanceof ArtifactError)) throw e;
        this.rejected++;
        this.emit({ type: "stage-remote", id: ks.def.id, key: ks.key, action: "rejected", bytes, durationMs: performance.now() - t, detail: e.message });
        return { type: "miss" };
      }
      rmSync(archive);
      const outDir = await this.store.publish(runDir, ks.key, { record: ks.record, durationMs: header.durationMs, logs: header.logs, logsDropped: header.logsDropped, metrics: header.metrics });
      this.hits++;
      this.emit({ type: "stage-remote", id: ks.def.id, key: ks.key, action: "hit", bytes, durationMs: performance.now() - t });
      return { type: "hit", outDir };
    } finally {
      removeTree(runDir); // gone already when published
    }
  }

  /** Queue the upload of a stage this build ran; `onUploaded` runs when the server has it. Never rejects. */
  upload(ks: KeyedStage, signal: AbortSignal, onUploaded: () => void): void {
    if (this.opts.upload === false || !this.usable(ks, true)) return;
    this.queue = this.queue.then(() => this.uploadNow(ks, signal, onUploaded));
  }

  /** Wait for the queued uploads. */
  settle(): Promise<void> {
    return this.queue;
  }

  summary(): RemoteSummary {
    const { hits, uploads, errors, rejected } = this;
    return { url: this.client.base, hits, uploads, errors, rejected, ...(this.firstError === null ? {} : { error: this.firstError }) };
  }

  private async uploadNow(ks: KeyedStage, signal: AbortSignal, onUploaded: () => void): Promise<void> {
    if (!this.usable(ks, true) || signal.aborted) return;
    const t = performance.now();
    const file = join(this.store.dir, "tmp", `upload-${ks.key.slice(0, 16)}.${uniqueSuffix()}`);
    try {
      mkdirSync(join(this.store.dir, "tmp"), { recursive: true });
      const { header, bytes } = await packArtifact(this.store, ks.key, file);
      await this.client.upload(ks.key, file, header.durationMs, signal);
      this.uploads++;
      this.emit({ type: "stage-remote", id: ks.def.id, key: ks.key, action: "uploaded", bytes, durationMs: performance.now() - t });
      onUploaded();
    } catch (e) {
      if (signal.aborted) return;
      if (e instanceof RemoteCacheError) this.failed(ks, e);
      // Packing failed (the entry was evicted meanwhile): nothing to upload, and the remote is fine.
      else this.emit({ type: "stage-log", id: ks.def.id, line: `not uploaded to the remote cache: ${e instanceof Error ? e.message : String(e)}`, replay: false });
    } finally {
      rmSync(file, { force: true });
    }
  }

  /**
   * Count a failed request; the first one is reported (once). An upload the server answered with an error ends
   * uploads (a read-only server or token still serves downloads); anything else ends the remote's use in this build.
   */
  private failed(ks: KeyedStage, e: unknown): FetchResult {
    if (!(e instanceof RemoteCacheError)) throw e;
    this.errors++;
    this.off = e.method === "PUT" && e.status !== null && this.off === null ? "uploads" : "all";
    if (this.firstError === null) {
      const what = this.off === "uploads" ? "remote cache uploads off for this build" : "remote cache off for this build, building locally";
      this.firstError = this.fallback === "error" ? e.message : `${what}: ${RemoteCacheError.problem(e.method, e.url, e.status, e.detail)}. Hint: ${e.hint}`;
      this.emit({ type: "remote-error", id: ks.def.id, key: ks.key, url: e.url, status: e.status, message: this.firstError, fallback: this.fallback });
      if (this.fallback === "error") this.onFatal(this.firstError);
    }
    return this.fallback === "error" ? { type: "fatal", message: e.message } : { type: "miss" };
  }
}
