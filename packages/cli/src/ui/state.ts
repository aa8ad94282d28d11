// The build as the UIs see it: folds the engine's EngineEvent stream into per-stage views (status, progress rate,
// ETA, latest log line, metric history). Pure bookkeeping, no output; every renderer reads this one model.
import type { BuildSummary, Change, EngineEvent, Progress, StageStatus } from "@lathe/engine";

/** How many points of each metric are kept for sparklines. */
const METRIC_HISTORY = 120;
/** Progress samples older than this (relative to the newest) do not count towards the rate. */
const RATE_WINDOW_MS = 10_000;

export interface StageView {
  readonly id: string;
  readonly kind: string;
  readonly title?: string;
  status: StageStatus;
  key?: string;
  startedAt?: number;
  durationMs?: number;
  progress?: Progress;
  /** Units of progress per second over the last few seconds, once two samples exist. */
  rate?: number;
  /** Milliseconds left at the current rate, when progress has a total. */
  etaMs?: number;
  lastLog?: string;
  logCount: number;
  /** Metric name → recent values, oldest first. */
  readonly metrics: Map<string, number[]>;
  /** Metric name → lowest value seen (the history above keeps only the recent ones), e.g. the best val_loss. */
  readonly lowest: Map<string, number>;
  changes: readonly Change[];
  error?: string;
  skipReason?: string;
  /** Position in the order stages finished (cached, done, failed, skipped), for <Static> and plain output. */
  finishedIndex?: number;
  readonly samples: { done: number; at: number }[];
}

export const FINISHED: ReadonlySet<StageStatus> = new Set(["cached", "done", "failed", "skipped"]);

export class BuildState {
  readonly stages = new Map<string, StageView>();
  /** Ids in the order they finished. */
  readonly finished: string[] = [];
  startedAt?: number;
  summary?: BuildSummary;

  /** Applies one event; `now` stamps events that carry no time of their own. Returns the stage it touched. */
  apply(e: EngineEvent, now: number): StageView | undefined {
    switch (e.type) {
      case "build-start":
        this.startedAt = e.at;
        for (const s of e.stages) this.stages.set(s.id, newStage(s.id, s.kind, s.title));
        return undefined;
      case "build-done":
        this.summary = e.summary;
        return undefined;
      default:
        break;
    }
    const s = this.stages.get(e.id) ?? this.adopt(e.id);
    switch (e.type) {
      case "stage-queued":
        s.status = "queued";
        s.key = e.key;
        break;
      case "stage-start":
        s.status = "running";
        s.key = e.key;
        s.startedAt = e.at;
        s.changes = e.changes;
        break;
      case "stage-cached":
        s.key = e.key;
        this.finish(s, "cached");
        break;
      case "stage-log":
        s.lastLog = e.line;
        s.logCount++;
        break;
      case "stage-progress":
        this.progress(s, e.progress, e.at);
        break;
      case "stage-metric": {
        const hist = s.metrics.get(e.name) ?? [];
        hist.push(e.value);
        if (hist.length > METRIC_HISTORY) hist.splice(0, hist.length - METRIC_HISTORY);
        s.metrics.set(e.name, hist);
        if (Number.isFinite(e.value) && e.value < (s.lowest.get(e.name) ?? Infinity)) s.lowest.set(e.name, e.value);
        break;
      }
      case "stage-done":
        s.key = e.key;
        s.durationMs = e.durationMs;
        this.finish(s, "done");
        break;
      case "stage-failed":
        s.key = e.key;
        s.error = e.error;
        if (s.startedAt !== undefined) s.durationMs = now - s.startedAt;
        this.finish(s, "failed");
        break;
      case "stage-skipped":
        s.skipReason = e.reason;
        this.finish(s, "skipped");
        break;
    }
    return s;
  }

  /** Stages by status, in build-start order. */
  withStatus(...statuses: StageStatus[]): StageView[] {
    return [...this.stages.values()].filter((s) => statuses.includes(s.status));
  }

  counts(): Record<StageStatus, number> {
    const c: Record<StageStatus, number> = { queued: 0, running: 0, cached: 0, done: 0, failed: 0, skipped: 0 };
    for (const s of this.stages.values()) c[s.status]++;
    return c;
  }

  private adopt(id: string): StageView {
    // An event for a stage build-start did not list (should not happen); show it rather than drop it.
    const s = newStage(id, "?");
    this.stages.set(id, s);
    return s;
  }

  private finish(s: StageView, status: StageStatus): void {
    s.status = status;
    if (s.finishedIndex === undefined) {
      s.finishedIndex = this.finished.length;
      this.finished.push(s.id);
    }
  }

  private progress(s: StageView, p: Progress, at: number): void {
    s.progress = p;
    const samples = s.samples;
    // A counter that went backwards (a new phase) restarts the rate.
    if (samples.length > 0 && p.done < samples[samples.length - 1].done) samples.length = 0;
    samples.push({ done: p.done, at });
    while (samples.length > 2 && at - samples[0].at > RATE_WINDOW_MS) samples.shift();
    const first = samples[0];
    const dt = at - first.at;
    if (samples.length >= 2 && dt > 0) {
      s.rate = ((p.done - first.done) / dt) * 1000;
      s.etaMs = p.total !== undefined && s.rate > 0 ? ((p.total - p.done) / s.rate) * 1000 : undefined;
    }
  }
}

function newStage(id: string, kind: string, title?: string): StageView {
  return { id, kind, title, status: "queued", metrics: new Map(), lowest: new Map(), changes: [], logCount: 0, samples: [] };
}
