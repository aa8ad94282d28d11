// The whole Ink build view: finished stages printed once into <Static> (they scroll up like a log), then a live
// area — running stages with bars and metrics, the queue, a footer with counts — capped to the terminal height so
// Ink never has to clear the screen (which is what makes terminals flicker).
import React from "react";
import { Box, Static, Text } from "ink";
import { formatDuration } from "../format.ts";
import type { BuildState, StageView } from "../state.ts";
import { verdictText } from "../summary-line.ts";
import FinishedStage from "./FinishedStage.tsx";
import RunningStage, { runningStageHeight } from "./RunningStage.tsx";
import SweepTable, { sweepStages, sweepTableHeight, type TrialLabel } from "./SweepTable.tsx";

export interface BuildScreenProps {
  readonly state: BuildState;
  readonly columns: number;
  readonly rows: number;
  /** Wall clock for elapsed times. */
  readonly now: number;
  /** Spinner frame. */
  readonly frame: number;
  /** What is being built (the recipe path), first in the footer. */
  readonly label?: string;
  /** The sweep's trials with the parameters they differ in, for the trial table's labels. */
  readonly trials?: readonly TrialLabel[];
}

export default function BuildScreen({ state, columns, rows, now, frame, label, trials }: BuildScreenProps): React.JSX.Element {
  const all = [...state.stages.values()];
  const idWidth = Math.min(28, Math.max(4, ...all.map((s) => s.id.length)));
  const finished = state.finished.map((id) => state.stages.get(id) as StageView);
  // A sweep's train stages live in the trial table, not as running stages of their own.
  const sweep = sweepStages(state);
  const inSweep = new Set(sweep.map((s) => s.id));
  const running = state.withStatus("running").filter((s) => !inSweep.has(s.id));
  const queued = state.withStatus("queued");

  // Live area budget: one row spare so the frame never reaches the terminal height, one for the footer.
  let budget = Math.max(1, rows - 2) - 1 - (queued.length > 0 ? 1 : 0);
  // The table first, leaving a line per other running stage.
  const tableHeight = sweep.length > 0 ? Math.min(sweepTableHeight(sweep), Math.max(2, budget - running.length)) : 0;
  budget -= tableHeight;
  const full = running.reduce((n, s) => n + runningStageHeight(s, false), 0);
  const compact = full > budget;
  const shown: StageView[] = [];
  for (const s of running) {
    const h = runningStageHeight(s, compact);
    const reserve = shown.length < running.length - 1 ? 1 : 0; // room for the "… more running" line
    if (h + reserve > budget) break;
    shown.push(s);
    budget -= h;
  }
  const hiddenRunning = running.length - shown.length;
  const c = state.counts();
  const elapsed = state.startedAt !== undefined ? formatDuration(now - state.startedAt) : "";

  return (
    <Box flexDirection="column" width={columns}>
      <Static items={finished}>{(s) => <FinishedStage key={s.id} stage={s} idWidth={idWidth} />}</Static>
      {sweep.length > 0 ? <SweepTable stages={sweep} trials={trials} columns={columns} height={tableHeight} frame={frame} /> : null}
      {shown.map((s) => (
        <RunningStage key={s.id} stage={s} idWidth={idWidth} columns={columns} now={now} frame={frame} compact={compact} />
      ))}
      {hiddenRunning > 0 ? <Text dimColor>… {hiddenRunning} more running</Text> : null}
      {queued.length > 0 ? (
        <Text dimColor wrap="truncate-end">
          · queued {queued.length}: {queued.map((s) => s.id).join(", ")}
        </Text>
      ) : null}
      {state.summary ? (
        <Text bold color={state.summary.ok ? "green" : "red"}>
          {verdictText(state.summary)}
        </Text>
      ) : (
        <Text dimColor wrap="truncate-end">
          {label ? `${label} · ` : ""}
          {all.length} stages · {c.running} running · {c.queued} queued · {c.done} done · {c.cached} cached
          {c.failed > 0 ? ` · ${c.failed} failed` : ""}
          {c.skipped > 0 ? ` · ${c.skipped} skipped` : ""} · {elapsed}
        </Text>
      )}
    </Box>
  );
}
