// A running stage in the live area: header with spinner, bar, rate and ETA; then (if room) its latest log line and
// a sparkline per metric (e.g. the training loss).
import React from "react";
import { Box, Text } from "ink";
import { formatDuration, truncate } from "../format.ts";
import type { StageView } from "../state.ts";
import { progressText } from "../summary-line.ts";
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

/** Lines a running stage takes: header, log, one per metric. */
export function runningStageHeight(stage: StageView, compact: boolean): number {
  return compact ? 1 : 1 + (stage.lastLog !== undefined ? 1 : 0) + stage.metrics.size;
}

export default function RunningStage({ stage, idWidth, columns, now, frame, compact }: RunningStageProps): React.JSX.Element {
  const elapsed = stage.startedAt !== undefined ? formatDuration(now - stage.startedAt) : "";
  const p = stage.progress;
  const barWidth = Math.max(10, Math.min(30, columns - idWidth - 60));
  const sparkWidth = Math.max(10, Math.min(60, columns - 30));
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
      {!compact
        ? [...stage.metrics].map(([name, values]) => (
            <Box key={name} marginLeft={4}>
              <Sparkline name={name} values={values} width={sparkWidth} />
            </Box>
          ))
        : null}
    </Box>
  );
}
