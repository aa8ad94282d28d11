// Chart data: every trial's curve on one shared x axis, thinned for long runs.
import { expect, test } from "bun:test";
import { alignCurves, lossChart, metricCurves } from "./series.ts";

test("curves with different x values share the union of x, with null where a curve has no point", () => {
  const aligned = alignCurves([
    { name: "a", points: [{ x: 1, y: 5 }, { x: 3, y: 4 }] },
    { name: "b", points: [{ x: 2, y: 6 }, { x: 3, y: 3 }] },
  ]);
  expect(aligned).toEqual({ x: [1, 2, 3], values: [[5, null, 4], [null, 6, 3]] });
});

test("more x values than maxPoints are bucketed: each curve shows its mean per bucket at the bucket's last x", () => {
  const points = Array.from({ length: 8 }, (_, i) => ({ x: i + 1, y: i + 1 }));
  const aligned = alignCurves([{ name: "a", points }, { name: "b", points: points.filter((p) => p.x <= 4) }], 4);
  expect(aligned).toEqual({ x: [2, 4, 6, 8], values: [[1.5, 3.5, 5.5, 7.5], [1.5, 3.5, null, null]] });
});

test("metricCurves takes one metric of each history, leaving out points without it", () => {
  const trials = [{ name: "t", history: [{ step: 1, loss: 5 }, { step: 10, val_loss: 4.5 }, { step: 20, loss: 4 }] }];
  expect(metricCurves(trials, "loss")).toEqual([{ name: "t", points: [{ x: 1, y: 5 }, { x: 20, y: 4 }] }]);
  expect(metricCurves(trials, "val_loss")).toEqual([{ name: "t", points: [{ x: 10, y: 4.5 }] }]);
});

test("a loss chart has one series per trial over steps", () => {
  const chart = lossChart("train-loss", "train loss", "loss", [{ name: "t1", points: [{ x: 1, y: 2 }] }, { name: "t2", points: [] }]);
  expect(chart).toEqual({ id: "train-loss", title: "train loss", xLabel: "step", yLabel: "loss", x: [1], series: [{ name: "t1", values: [2] }, { name: "t2", values: [null] }] });
});
