// BuildState: statuses, finish order, progress rate over a sliding window, ETA, and metric history.
import { expect, test } from "bun:test";
import { BuildState } from "./state.ts";
import { SCRIPT, T0 } from "./scripted-events.ts";

function started(): BuildState {
  const s = new BuildState();
  s.apply({ type: "build-start", at: T0, stages: [{ id: "a", kind: "k" }] }, T0);
  s.apply({ type: "stage-start", id: "a", key: "ka", at: T0, changes: [] }, T0);
  return s;
}

test("the scripted build ends with each stage in its final state, in the order they finished", () => {
  const s = new BuildState();
  for (const [at, e] of SCRIPT) s.apply(e, at);
  expect([...s.stages.values()].map((v) => [v.id, v.status])).toEqual([
    ["collect", "cached"],
    ["clean", "done"],
    ["train", "failed"],
    ["sample", "skipped"],
  ]);
  expect(s.finished).toEqual(["collect", "clean", "train", "sample"]);
  expect(s.stages.get("train")?.durationMs).toBe(6490); // failed at +14000, started at +7510
  expect(s.stages.get("train")?.metrics.get("loss")).toEqual([4.5, 3.25, 2.125]);
  expect(s.summary?.ok).toBe(false);
});

test("the rate is progress over the samples of the last 10 seconds and the ETA follows from it", () => {
  const s = started();
  const p = (done: number, at: number) => s.apply({ type: "stage-progress", id: "a", progress: { done, total: 1000 }, at: T0 + at }, T0 + at);
  p(0, 0);
  expect(s.stages.get("a")?.rate).toBeUndefined();
  p(100, 1000);
  expect(s.stages.get("a")?.rate).toBeCloseTo(100, 6);
  expect(s.stages.get("a")?.etaMs).toBeCloseTo(9000, 6);
  p(200, 11_000); // the sample at 0 falls out of the window: (200-100)/10 s
  expect(s.stages.get("a")?.rate).toBeCloseTo(10, 6);
  expect(s.stages.get("a")?.etaMs).toBeCloseTo(80_000, 6);
});

test("a counter that goes backwards starts a new rate measurement", () => {
  const s = started();
  s.apply({ type: "stage-progress", id: "a", progress: { done: 50 }, at: T0 }, T0);
  s.apply({ type: "stage-progress", id: "a", progress: { done: 100 }, at: T0 + 1000 }, T0 + 1000);
  s.apply({ type: "stage-progress", id: "a", progress: { done: 10 }, at: T0 + 2000 }, T0 + 2000);
  expect(s.stages.get("a")?.samples).toEqual([{ done: 10, at: T0 + 2000 }]);
  expect(s.stages.get("a")?.etaMs).toBeUndefined(); // no total
});

test("metric history keeps the latest 120 values", () => {
  const s = started();
  for (let i = 0; i < 200; i++) s.apply({ type: "stage-metric", id: "a", name: "loss", value: i, step: i }, T0);
  const h = s.stages.get("a")?.metrics.get("loss") ?? [];
  expect(h.length).toBe(120);
  expect(h[0]).toBe(80);
  expect(h.at(-1)).toBe(199);
});
