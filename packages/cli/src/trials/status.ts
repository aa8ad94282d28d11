// A trial's status for compare and report: done, stopped early (an early-stopping rule ended its training), failed
// (its last build failed), or not built. Decided from the train stage's output when there is one, else from the
// newest build run (the engine's run summaries under <cache>/runs/) that tried the stage's current key.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { BuildSummary } from "@lathe/engine";
import type { SummaryJson } from "./read.ts";

export type TrialStatus = "done" | "stopped early" | "failed" | "not built";

/** What the newest run summary says about one stage key. */
export type RunRecord = Pick<BuildSummary["stages"][number], "status" | "durationMs" | "error" | "reason">;

/** What ends a training run as planned; anything else in summary.stopped_by is an early stop ("asha", "median"). */
const PLANNED_ENDS = new Set(["steps", "tokens", "time_budget"]);
const EARLY_STOP = /early.?stop|stopped early|\basha\b|median (stopping )?rule/i;

export function trialStatus(summary: SummaryJson | undefined, built: boolean, last: RunRecord | undefined): { status: TrialStatus; detail?: string } {
  if (built) {
    const by = summary?.stopped_by;
    return by === undefined || PLANNED_ENDS.has(by) ? { status: "done" } : { status: "stopped early", detail: `stopped by ${by}` };
  }
  const why = last?.error ?? last?.reason;
  if (why !== undefined && EARLY_STOP.test(why)) return { status: "stopped early", detail: why };
  if (last?.status === "failed") return { status: "failed", ...(why === undefined ? {} : { detail: why }) };
  return { status: "not built" };
}

/**
 * The newest run record of each wanted stage key, reading run summaries newest first (at most `maxRuns` of them).
 * A missing or unreadable runs folder or file means no record.
 */
export function lastRunRecords(cacheDir: string, keys: ReadonlySet<string>, maxRuns = 200): Map<string, RunRecord> {
  const out = new Map<string, RunRecord>();
  let names: string[];
  try {
    names = readdirSync(join(cacheDir, "runs")).filter((n) => n.endsWith(".json")).sort().reverse().slice(0, maxRuns);
  } catch {
    return out;
  }
  for (const name of names) {
    if (out.size === keys.size) break;
    let run: BuildSummary;
    try {
      run = JSON.parse(readFileSync(join(cacheDir, "runs", name), "utf8")) as BuildSummary;
    } catch {
      continue; // being written, or damaged: the run summaries are a log, not a contract to enforce here
    }
    for (const s of run.stages ?? []) {
      if (!keys.has(s.key) || out.has(s.key)) continue;
      out.set(s.key, { status: s.status, durationMs: s.durationMs, ...(s.error === undefined ? {} : { error: s.error }), ...(s.reason === undefined ? {} : { reason: s.reason }) });
    }
  }
  return out;
}
