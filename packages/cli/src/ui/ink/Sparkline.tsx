// A metric's recent history as a one-line chart, e.g. the training loss: "loss 3.214 ▇▆▆▅▄▄▃▂".
import React from "react";
import { Text } from "ink";
import { formatMetric, sparkline } from "../format.ts";

export interface SparklineProps {
  readonly name: string;
  /** Oldest first; the last `width` values are drawn. */
  readonly values: readonly number[];
  readonly width: number;
}

export default function Sparkline({ name, values, width }: SparklineProps): React.JSX.Element {
  const last = values[values.length - 1];
  return (
    <Text>
      <Text dimColor>{name} </Text>
      <Text bold>{(last === undefined ? "-" : formatMetric(last)).padEnd(9)}</Text>
      <Text color="magenta"> {sparkline(values, width)}</Text>
    </Text>
  );
}
