// A running stage in the live area: header with spinner, bar, rate and ETA; then (if room) its latest log line, the
// experts' load of a mixture-of-experts model in training, and a sparkline per metric (e.g. the training loss).
import React from "react";
import { Box, Text } from "ink";
import { expertLoadText } from "../experts.ts";
import { formatDuration, truncate } from "../format.ts";
import type { StageView } from "../state.ts";
import { pickMetrics, progressText } from "../summary-line.ts";
import ProgressBar from "./ProgressBar.tsx";
import Sparkline from "./Sparkline.tsx";
import StageIcon from "./StageIcon.tsx";

export interface RunningStageProps {
  readonly stage: StageView;
  readonly idWidth: number;
  readonly columns: number;
  readonly now: number;
  readonly frame: number;
  /** Draw only the header line (when the terminal is short). */
  readonly compact: boolean;
}

/** Sparklines drawn per running stage at most. */
const MAX_CHARTS = 3;

/** The metrics worth a chart: those with a history (one-off values such as vocab_size show when the stage ends). */
function chartedMetrics(stage: StageView): [string, number[]][] {
  return pickMetrics(stage).filter(([, vs]) => vs.length >= 2).slice(0, MAX_CHARTS);
}

/** Lines a running stage takes: header, log, experts, one per metric chart. */
export function runningStageHeight(stage: StageView, compact: boolean): number {
  return compact ? 1 : 1 + (stage.lastLog !== undefined ? 1 : 0) + (expertLoadText(stage) ? 1 : 0) + chartedMetrics(stage).length;
}

export default function RunningStage({ stage, idWidth, columns, now, frame, compact }: RunningStageProps): React.JSX.Element {
  const elapsed = stage.startedAt !== undefined ? formatDuration(now - stage.startedAt) : "";
  const p = stage.progress;
  const barWidth = Math.max(10, Math.min(30, columns - idWidth - 60));
  const charts = compact ? [] : chartedMetrics(stage);
  const experts = compact ? "" : expertLoadText(stage);
  const labelWidth = Math.max(0, ...charts.map(([name]) => name.length));
  const sparkWidth = Math.max(10, Math.min(60, columns - labelWidth - 20));
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <StageIcon status="running" frame={frame} /> {stage.id.padEnd(idWidth)} <Text dimColor>{elapsed.padStart(6)}</Text>{" "}
        {p?.total !== undefined ? <ProgressBar fraction={p.total > 0 ? p.done / p.total : 0} width={barWidth} /> : null}
        {p ? ` ${progressText(stage)}` : <Text dimColor>{stage.kind}</Text>}
      </Text>
      {!compact && stage.lastLog !== undefined ? (
        <Text dimColor wrap="truncate-end">
          {"    "}
          {truncate(stage.lastLog.replace(/\s+/g, " "), columns - 4)}
        </Text>
      ) : null}
      {experts ? (
        <Text wrap="truncate-end">
          {"    "}
          <Text color="cyan">{experts}</Text>
        </Text>
      ) : null}
      {charts.map(([name, values]) => (
        <Box key={name} marginLeft={4}>
          <Sparkline name={name.padEnd(labelWidth)} values={values} width={sparkWidth} />
        </Box>
      ))}
    </Box>
  );
}
