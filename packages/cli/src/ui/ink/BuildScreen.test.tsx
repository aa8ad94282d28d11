// The Ink build view: finished stages land in <Static> once, running stages show bar/rate/ETA/log/loss sparkline,
// the live area never grows past the terminal height, and the verdict closes the build.
import { expect, test } from "bun:test";
import React from "react";
import { render } from "ink-testing-library";
import { BuildState } from "../state.ts";
import { SCRIPT, T0 } from "../scripted-events.ts";
import BuildScreen from "./BuildScreen.tsx";

/** The state after the events up to (and including) clock time `until`. */
function stateAt(until: number): BuildState {
  const s = new BuildState();
  for (const [at, e] of SCRIPT) if (at <= until) s.apply(e, at);
  return s;
}

const strip = (s: string | undefined) => (s ?? "").replace(/\x1b\[[0-9;]*m/g, "");

test("while training runs, the screen shows finished stages, the bar with rate and ETA, and a loss sparkline", () => {
  const state = stateAt(T0 + 13520);
  const { lastFrame, unmount } = render(<BuildScreen state={state} columns={100} rows={30} now={T0 + 14000} frame={0} />);
  const lines = strip(lastFrame()).split("\n").map((l) => l.trimEnd());
  unmount();
  expect(lines[0]).toBe("≡ collect data.collect cached");
  expect(lines[1]).toBe("✓ clean   data.clean 7.5s");
  expect(lines[2]).toMatch(/^⠋ train     6\.5s █+░+ 50\/100 steps 50% · 10 steps\/s · ETA 5\.0s$/);
  expect(lines[3]).toBe("    loss 2.125     █▄▁");
  expect(lines[4]).toBe("· queued 1: sample");
  expect(lines[5]).toBe("4 stages · 1 running · 1 queued · 1 done · 1 cached · 14.0s");
  expect(lines.length).toBe(6);
});

test("after the build, failed stages show their error and the footer becomes the verdict", () => {
  const state = stateAt(Infinity);
  const { lastFrame, unmount } = render(<BuildScreen state={state} columns={100} rows={30} now={T0 + 15000} frame={0} />);
  const text = strip(lastFrame());
  unmount();
  expect(text.split("\n").map((l) => l.trimEnd())).toEqual([
    "≡ collect data.collect cached",
    "✓ clean   data.clean 7.5s",
    "✗ train   model.train failed after 6.5s · loss 2.125",
    "    out of memory at step 51",
    "- sample  model.sample skipped: upstream train failed",
    "build FAILED: 4 stages (1 cached, 1 done, 1 failed, 1 skipped) in 14.0s",
  ]);
});

test("with many running stages in a short terminal, the live area stays under the terminal height", () => {
  const s = new BuildState();
  const ids = Array.from({ length: 40 }, (_, i) => `trial-${i}/eval`); // not train stages: those go to the trial table
  s.apply({ type: "build-start", at: T0, stages: ids.map((id) => ({ id, kind: "eval.run" })) }, T0);
  for (const id of ids) {
    s.apply({ type: "stage-start", id, key: id, at: T0, changes: [] }, T0);
    s.apply({ type: "stage-log", id, line: "step 1", replay: false }, T0);
    s.apply({ type: "stage-metric", id, name: "loss", value: 3, step: 1 }, T0);
  }
  const rows = 12;
  const { lastFrame, unmount } = render(<BuildScreen state={s} columns={80} rows={rows} now={T0 + 1000} frame={3} />);
  const lines = strip(lastFrame()).split("\n");
  unmount();
  expect(lines.length).toBeLessThanOrEqual(rows - 2);
  expect(lines[0]).toStartWith("⠸ trial-0/eval"); // compact: one line per stage
  expect(lines.at(-2)).toBe("… 32 more running");
  expect(lines.at(-1)).toStartWith("40 stages · 40 running");
});

test("a mixture-of-experts train stage shows its experts' load on a line under its header", () => {
  const s = new BuildState();
  s.apply({ type: "build-start", at: T0, stages: [{ id: "train", kind: "model.train" }] }, T0);
  s.apply({ type: "stage-start", id: "train", key: "k", at: T0, changes: [] }, T0);
  s.apply({ type: "stage-progress", id: "train", progress: { done: 10, total: 100, unit: "steps" }, at: T0 + 1000 }, T0 + 1000);
  const fracs = [0.25, 0.0625, 0.125, 0.1875, 0.125, 0.125, 0.0625, 0.0625];
  for (const step of [1, 2]) {
    s.apply({ type: "stage-metric", id: "train", name: "loss", value: 4 - step, step }, T0);
    fracs.forEach((value, i) => s.apply({ type: "stage-metric", id: "train", name: `moe_frac_${i}`, value, step }, T0));
    s.apply({ type: "stage-metric", id: "train", name: "moe_dropped", value: 0.012, step }, T0);
  }
  const { lastFrame, unmount } = render(<BuildScreen state={s} columns={100} rows={30} now={T0 + 2000} frame={0} />);
  const lines = strip(lastFrame()).split("\n").map((l) => l.trimEnd());
  unmount();
  expect(lines[0]).toStartWith("⠋ train");
  expect(lines[1]).toBe("    experts █▃▅▆▅▅▃▃ dropped 1.2%");
  expect(lines[2]).toBe("    loss 2         █▁"); // one chart: the expert shares are not charted one by one
  expect(lines.length).toBe(4);
});

test("a finished mixture-of-experts train stage keeps its experts' final load on a line under it", () => {
  const s = new BuildState();
  s.apply({ type: "build-start", at: T0, stages: [{ id: "train", kind: "model.train" }] }, T0);
  s.apply({ type: "stage-start", id: "train", key: "k", at: T0, changes: [] }, T0);
  s.apply({ type: "stage-metric", id: "train", name: "loss", value: 3.5, step: 1 }, T0);
  [0.5, 0.5, 0, 0].forEach((value, i) => s.apply({ type: "stage-metric", id: "train", name: `moe_frac_${i}`, value, step: 1 }, T0));
  s.apply({ type: "stage-metric", id: "train", name: "moe_aux_loss", value: 0.02, step: 1 }, T0);
  s.apply({ type: "stage-done", id: "train", key: "k", durationMs: 2000 }, T0 + 2000);
  const { lastFrame, unmount } = render(<BuildScreen state={s} columns={100} rows={30} now={T0 + 2000} frame={0} />);
  const lines = strip(lastFrame()).split("\n").map((l) => l.trimEnd());
  unmount();
  expect(lines.slice(0, 2)).toEqual(["✓ train model.train 2.0s · loss 3.5", "    experts ██▁▁ aux 0.02"]);
});
