// A fixed-width progress bar: filled cells for the done fraction, dim cells for the rest.
import React from "react";
import { Text } from "ink";

export interface ProgressBarProps {
  /** 0..1; values outside are clamped. */
  readonly fraction: number;
  /** Cells wide. */
  readonly width: number;
}

export default function ProgressBar({ fraction, width }: ProgressBarProps): React.JSX.Element {
  const f = Math.min(1, Math.max(0, fraction));
  const full = Math.round(f * width);
  return (
    <Text>
      <Text color="cyan">{"█".repeat(full)}</Text>
      <Text dimColor>{"░".repeat(width - full)}</Text>
    </Text>
  );
}
