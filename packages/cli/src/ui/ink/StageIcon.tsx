// The one-character state marker of a stage: spinner while running, ✓ done, ≡ cached, ✗ failed, - skipped, · queued.
import React from "react";
import { Text } from "ink";
import type { StageStatus } from "@lathe/engine";

const SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏";

export interface StageIconProps {
  readonly status: StageStatus;
  /** Animation frame for the spinner. */
  readonly frame?: number;
}

export default function StageIcon({ status, frame = 0 }: StageIconProps): React.JSX.Element {
  switch (status) {
    case "running":
      return <Text color="yellow">{SPINNER[frame % SPINNER.length]}</Text>;
    case "done":
      return <Text color="green">✓</Text>;
    case "cached":
      return <Text color="blue">≡</Text>;
    case "failed":
      return <Text color="red">✗</Text>;
    case "skipped":
      return <Text color="yellow">-</Text>;
    case "queued":
      return <Text dimColor>·</Text>;
  }
}
