// The live trial table of a sweep: rows best-first by val_loss with steps and losses, the leading trials' loss
// curves, nothing for a single train stage, and a row cap with "+N more" in a short terminal.
import { expect, test } from "bun:test";
import React from "react";
import { render } from "ink-testing-library";
import { BuildState } from "../state.ts";
import { SCRIPT, SWEEP_SCRIPT, T0 } from "../scripted-events.ts";
import BuildScreen from "./BuildScreen.tsx";

const strip = (s: string | undefined) => (s ?? "").replace(/\x1b\[[0-9;]*m/g, "");
const TRIALS = [
  { id: "trial-0", label: "lr=0.01" },
  { id: "trial-1", label: "lr=0.003" },
  { id: "trial-2", label: "lr=0.001" },
];

function frame(state: BuildState, rows: number, columns = 100): string[] {
  const { lastFrame, unmount } = render(<BuildScreen state={state} columns={columns} rows={rows} now={T0 + 2000} frame={0} trials={TRIALS} />);
  const lines = strip(lastFrame()).split("\n").map((l) => l.trimEnd());
  unmount();
  return lines;
}

function replay(script: typeof SCRIPT): BuildState {
  const s = new BuildState();
  for (const [at, e] of script) s.apply(e, at);
  return s;
}

test("a three-trial sweep shows one row per trial, best val_loss first, with steps, losses and the loss curves", () => {
  const lines = frame(replay(SWEEP_SCRIPT), 30);
  expect(lines).toEqual([
    "≡ pack          tokenizer.pack cached",
    "✓ trial-0/train model.train 1.1s · loss 2.5 · val_loss 2.6",
    "  trial                step       loss   val_loss   best val  status",
    "⠋ trial-1 lr=0.003   60/100        2.2        2.3        2.3  running",
    "✓ trial-0 lr=0.01   100/100        2.5        2.6       2.55  done",
    "⠋ trial-2 lr=0.001   30/100        3.9          -          -  running",
    "loss trial-1 2.2       ▇▅▃▂▁",
    "     trial-0 2.5       █▆▄▂▂",
    "     trial-2 3.9       █▇▆",
    "4 stages · 2 running · 0 queued · 1 done · 1 cached · 2.0s",
  ]);
});

test("a build with a single train stage shows no trial table", () => {
  const lines = frame(replay(SCRIPT.filter(([at]) => at <= T0 + 13520)), 30);
  expect(lines.some((l) => l.includes("best val"))).toBe(false);
  expect(lines[2]).toStartWith("⠋ train ");
});

test("in a short terminal the table keeps the best trials, folds the rest into +N more, and drops the chart before the rows", () => {
  const s = new BuildState();
  const ids = Array.from({ length: 40 }, (_, i) => `trial-${i}/train`);
  s.apply({ type: "build-start", at: T0, stages: ids.map((id) => ({ id, kind: "model.train" })) }, T0);
  for (const [i, id] of ids.entries()) {
    s.apply({ type: "stage-start", id, key: id, at: T0, changes: [] }, T0);
    for (const v of [5, 4, 3]) s.apply({ type: "stage-metric", id, name: "loss", value: v + i / 100, step: 1 }, T0);
    s.apply({ type: "stage-metric", id, name: "val_loss", value: 4 - i / 100, step: 1 }, T0);
  }
  const rows = 12;
  const lines = frame(s, rows, 80);
  expect(lines.length).toBeLessThanOrEqual(rows - 2);
  expect(lines[0]).toStartWith("  trial");
  expect(lines[1]).toStartWith("⠋ trial-39"); // lowest val_loss
  expect(lines[2]).toStartWith("⠋ trial-38");
  expect(lines).toContain("  +36 more");
  expect(lines.filter((l) => l.startsWith("loss ") || l.startsWith("     trial")).length).toBe(3);
  expect(lines.at(-1)).toStartWith("40 stages · 40 running");
  // Shorter still: the chart gives way before the rows do.
  const tiny = frame(s, 7, 80);
  expect(tiny.length).toBeLessThanOrEqual(5);
  expect(tiny.slice(0, 4).map((l) => l.slice(0, 12))).toEqual(["  trial     ", "⠋ trial-39  ", "⠋ trial-38  ", "  +38 more"]);
});
