// The plain renderer: one line per thing that happened, for CI logs and pipes (no cursor movement, no colour).
// Progress and metrics print at most once per `progressEveryMs` per stage, so long stages do not flood the log.
import type { EngineEvent } from "@lathe/engine";
import { formatDuration, plural } from "./format.ts";
import type { Renderer } from "./renderer.ts";
import { expertLoadText } from "./experts.ts";
import { BuildState } from "./state.ts";
import { changesText, metricsText, progressText, verdictText } from "./summary-line.ts";

export interface PlainOptions {
  /** Receives each finished line, without a newline. */
  readonly write: (line: string) => void;
  /** Clock for throttling. @default Date.now */
  readonly now?: () => number;
  /** Minimum time between two progress lines of one stage. @default 5000 */
  readonly progressEveryMs?: number;
  /** What is being built, for the first line, e.g. the recipe path. */
  readonly label?: string;
}

export function createPlainRenderer(opts: PlainOptions): Renderer {
  const now = opts.now ?? Date.now;
  const every = opts.progressEveryMs ?? 5000;
  const state = new BuildState();
  const lastStatusAt = new Map<string, number>();
  const { write } = opts;

  return {
    onEvent(e: EngineEvent): void {
      const t = now();
      const s = state.apply(e, t);
      switch (e.type) {
        case "build-start":
          write(`build${opts.label ? ` ${opts.label}` : ""}: ${plural(e.stages.length, "stage")}`);
          break;
        case "build-done":
          write(verdictText(e.summary));
          break;
        case "stage-queued":
          break;
        case "stage-start": {
          lastStatusAt.set(e.id, t);
          const why = changesText(e.changes);
          write(`start    ${e.id}${why ? ` (${why})` : ""}`);
          break;
        }
        case "stage-cached":
          write(`${e.source === "remote" ? "remote " : "cached "}  ${e.id}`);
          break;
        case "stage-remote":
          if (e.action === "rejected") write(`remote   ${e.id}: artifact rejected (${e.detail ?? "corrupt"}); building it here`);
          else if (e.action === "uploaded") write(`uploaded ${e.id} (${(e.bytes / 1024).toFixed(1)} KiB)`);
          break;
        case "remote-error":
          write(`remote   ${e.message}`);
          break;
        case "stage-worker":
          write(`worker   ${e.id} on ${e.worker}${e.attempt > 1 ? ` (attempt ${e.attempt}, retried)` : ""}`);
          break;
        case "queue-error":
          write(`queue    ${e.message}`);
          break;
        case "stage-log":
          write(`${e.id}${e.replay ? " (cached)" : ""} | ${e.line}`);
          break;
        case "stage-progress":
        case "stage-metric": {
          if (!s || t - (lastStatusAt.get(e.id) ?? -Infinity) < every) break;
          lastStatusAt.set(e.id, t);
          const text = [progressText(s), metricsText(s), expertLoadText(s)].filter(Boolean).join(" · ");
          if (text) write(`         ${e.id} ${text}`);
          break;
        }
        case "stage-done": {
          const m = s ? [metricsText(s), expertLoadText(s)].filter(Boolean).join(" · ") : "";
          write(`done     ${e.id} ${formatDuration(e.durationMs)}${m ? ` · ${m}` : ""}`);
          break;
        }
        case "stage-failed":
          write(`FAILED   ${e.id}: ${e.error}`);
          break;
        case "stage-skipped":
          write(`skipped  ${e.id}: ${e.reason}`);
          break;
      }
    },
    async close(): Promise<void> {},
  };
}
