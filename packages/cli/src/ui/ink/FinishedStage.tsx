// One finished stage as printed once into <Static>: state, id, kind, duration or reason, last metrics, the experts'
// final load (a mixture-of-experts model's train stage), full error.
import React from "react";
import { Box, Text } from "ink";
import { expertLoadText } from "../experts.ts";
import { formatDuration } from "../format.ts";
import type { StageView } from "../state.ts";
import { metricsText } from "../summary-line.ts";
import StageIcon from "./StageIcon.tsx";

export interface FinishedStageProps {
  readonly stage: StageView;
  /** Column width for the id, so kinds line up. */
  readonly idWidth: number;
}

export default function FinishedStage({ stage, idWidth }: FinishedStageProps): React.JSX.Element {
  const m = metricsText(stage, 4);
  const dur = stage.durationMs !== undefined ? formatDuration(stage.durationMs) : "";
  const experts = stage.status === "cached" ? "" : expertLoadText(stage);
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <StageIcon status={stage.status} /> {stage.id.padEnd(idWidth)} <Text dimColor>{stage.kind}</Text>{" "}
        {stage.status === "cached" && <Text color="blue">cached</Text>}
        {stage.status === "done" && <Text>{dur}</Text>}
        {stage.status === "failed" && <Text color="red">failed{dur ? ` after ${dur}` : ""}</Text>}
        {stage.status === "skipped" && <Text color="yellow">skipped: {stage.skipReason}</Text>}
        {m && stage.status !== "cached" ? <Text dimColor> · {m}</Text> : null}
      </Text>
      {experts ? (
        <Box marginLeft={4}>
          <Text dimColor>{experts}</Text>
        </Box>
      ) : null}
      {stage.status === "failed" && stage.error ? (
        <Box marginLeft={4}>
          <Text color="red">{stage.error}</Text>
        </Box>
      ) : null}
    </Box>
  );
}
