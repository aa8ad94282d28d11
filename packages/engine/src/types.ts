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
  | { readonly type: "env"; readonly name: string };

export type EngineEvent =
  | { readonly type: "build-start"; readonly at: number; readonly stages: readonly { id: string; kind: string; title?: string }[] }
  | { readonly type: "stage-queued"; readonly id: string; readonly key: string }
  | { readonly type: "stage-start"; readonly id: string; readonly key: string; readonly at: number; readonly changes: readonly Change[] }
  | { readonly type: "stage-cached"; readonly id: string; readonly key: string }
  | { readonly type: "stage-log"; readonly id: string; readonly line: string; readonly replay: boolean }
  | { readonly type: "stage-progress"; readonly id: string; readonly progress: Progress; readonly at: number }
  | { readonly type: "stage-metric"; readonly id: string; readonly name: string; readonly value: number; readonly step?: number }
  | { readonly type: "stage-done"; readonly id: string; readonly key: string; readonly durationMs: number }
  | { readonly type: "stage-failed"; readonly id: string; readonly key: string; readonly error: string }
  | { readonly type: "stage-skipped"; readonly id: string; readonly reason: string }
  | { readonly type: "build-done"; readonly at: number; readonly summary: BuildSummary };

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
  }[];
}
