// The live trial table of a sweep: one row per trial's train stage (step, loss, val_loss, best val_loss, val_bpb,
// status), best-first by the lowest val_loss so far, then the leading trials' loss curves on one shared scale.
// Shown by <BuildScreen> when the build trains more than one model; fits in the `height` lines it is given.
import React from "react";
import { Box, Text } from "ink";
import { formatCount, formatMetric, truncate } from "../format.ts";
import type { BuildState, StageView } from "../state.ts";
import StageIcon from "./StageIcon.tsx";

/** What the CLI knows about a trial that the engine events do not carry: the parameters it sweeps. */
export interface TrialLabel {
  /** The trial's stage-id prefix: "trial-3". */
  readonly id: string;
  /** The parameters that differ between trials: "lr=0.003 d_model=64". */
  readonly label: string;
}

export interface SweepTableProps {
  /** The trials' train stages (see sweepStages). */
  readonly stages: readonly StageView[];
  readonly trials?: readonly TrialLabel[];
  readonly columns: number;
  /** Lines the table may take, at least 2: rows past it collapse into "+N more", the chart goes first. */
  readonly height: number;
  /** Spinner frame. */
  readonly frame: number;
}

/** Loss curves drawn at most. */
const MAX_CURVES = 3;
/** Rows kept before the chart gives up a line. */
const MIN_ROWS = 3;
const NUM = 9;
const BLOCKS = "▁▂▃▄▅▆▇█";

/** The train stages of a sweep ("trial-N/train"), in build order; empty unless there are at least two. */
export function sweepStages(state: BuildState): StageView[] {
  const train = [...state.stages.values()].filter((s) => s.kind === "model.train" || /\/train$/.test(s.id));
  return train.length > 1 ? train : [];
}

/** "trial-3" for "trial-3/train". */
const trialOf = (s: StageView) => s.id.replace(/\/[^/]*$/, "");
const last = (s: StageView, name: string) => s.metrics.get(name)?.at(-1);

/** Best first: lowest val_loss so far, then (no validation yet) lowest current loss, then build order. */
function ranked(stages: readonly StageView[]): StageView[] {
  const key = (s: StageView): [number, number] => [s.lowest.get("val_loss") ?? s.lowest.get("val_bpb") ?? Infinity, last(s, "loss") ?? Infinity];
  return stages
    .map((s, i) => ({ s, i, k: key(s) }))
    .sort((a, b) => a.k[0] - b.k[0] || a.k[1] - b.k[1] || a.i - b.i)
    .map((x) => x.s);
}

/** Lines the table takes when it has all the room it wants: header, one per trial, one per curve. */
export function sweepTableHeight(stages: readonly StageView[]): number {
  return 1 + stages.length + curves(ranked(stages)).length;
}

function curves(order: readonly StageView[]): StageView[] {
  return order.filter((s) => (s.metrics.get("loss")?.length ?? 0) >= 2).slice(0, MAX_CURVES);
}

/** Each series' last `width` values as blocks, all scaled to the min..max of everything drawn. */
function sharedSparklines(series: readonly (readonly number[])[], width: number): string[] {
  const tails = series.map((vs) => vs.slice(-width).filter(Number.isFinite));
  const all = tails.flat();
  const lo = Math.min(...all);
  const span = Math.max(...all) - lo;
  return tails.map((vs) => vs.map((v) => BLOCKS[span === 0 ? 3 : Math.round(((v - lo) / span) * (BLOCKS.length - 1))]).join(""));
}

const cell = (v: number | undefined) => (v === undefined ? "-" : formatMetric(v)).padStart(NUM);

function stepText(s: StageView): string {
  const p = s.progress;
  if (!p) return "-";
  return p.total !== undefined ? `${formatCount(p.done)}/${formatCount(p.total)}` : formatCount(p.done);
}

export default function SweepTable({ stages, trials, columns, height, frame }: SweepTableProps): React.JSX.Element {
  const order = ranked(stages);
  const labels = new Map((trials ?? []).map((t) => [t.id, t.label]));
  const bpb = stages.some((s) => s.metrics.has("val_bpb"));
  const steps = order.map(stepText);
  const stepWidth = Math.max(4, ...steps.map((t) => t.length));
  const names = order.map((s) => [trialOf(s), labels.get(trialOf(s)) ?? ""] as const);
  // icon, then the trial column, then numbers: step, loss, val_loss, best val, (val_bpb,) status.
  const fixed = 2 + 2 + stepWidth + (NUM + 2) * (bpb ? 4 : 3) + 2 + 7;
  const nameWidth = Math.max(8, Math.min(columns - fixed, Math.max(5, ...names.map(([id, l]) => id.length + (l ? 1 + l.length : 0)))));

  // Room: the header, then rows; the chart only with room to spare after MIN_ROWS rows (or all rows, if fewer).
  const drawn = curves(order);
  const chartLines = Math.min(drawn.length, Math.max(0, height - 1 - Math.min(order.length, MIN_ROWS) - (order.length > MIN_ROWS ? 1 : 0)));
  const rowRoom = Math.max(1, height - 1 - chartLines);
  const shownRows = order.length <= rowRoom ? order.length : Math.max(0, rowRoom - 1);
  const more = order.length - shownRows;

  const idWidth = Math.max(...drawn.map((s) => trialOf(s).length), 0);
  const sparkWidth = Math.max(10, Math.min(60, columns - idWidth - NUM - 10));
  const sparks = sharedSparklines(drawn.slice(0, chartLines).map((s) => s.metrics.get("loss") ?? []), sparkWidth);

  return (
    <Box flexDirection="column">
      <Text dimColor wrap="truncate-end">
        {"  "}
        {"trial".padEnd(nameWidth)}  {"step".padStart(stepWidth)}  {"loss".padStart(NUM)}  {"val_loss".padStart(NUM)}  {"best val".padStart(NUM)}
        {bpb ? `  ${"val_bpb".padStart(NUM)}` : ""}  status
      </Text>
      {order.slice(0, shownRows).map((s, i) => {
        const [id, label] = names[i]!;
        const name = truncate(label ? `${id} ${label}` : id, nameWidth);
        return (
          <Text key={s.id} wrap="truncate-end">
            <StageIcon status={s.status} frame={frame} /> {id}
            <Text dimColor>{name.slice(id.length).padEnd(nameWidth - Math.min(id.length, name.length))}</Text>
            {"  "}
            {steps[i]!.padStart(stepWidth)}  {cell(last(s, "loss"))}  {cell(last(s, "val_loss"))}  <Text bold>{cell(s.lowest.get("val_loss"))}</Text>
            {bpb ? `  ${cell(last(s, "val_bpb"))}` : ""}  <Text dimColor={s.status === "queued"} color={s.status === "failed" ? "red" : undefined}>{s.status}</Text>
          </Text>
        );
      })}
      {more > 0 ? <Text dimColor>  +{more} more</Text> : null}
      {sparks.map((spark, i) => {
        const s = drawn[i]!;
        return (
          <Text key={s.id} wrap="truncate-end">
            <Text dimColor>{i === 0 ? "loss" : "    "} </Text>
            {trialOf(s).padEnd(idWidth)} <Text bold>{cell(last(s, "loss")).trimStart().padEnd(NUM)}</Text>
            <Text color="magenta"> {spark}</Text>
          </Text>
        );
      })}
    </Box>
  );
}
