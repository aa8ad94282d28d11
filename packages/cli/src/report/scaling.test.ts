// The scaling section: a power-law fit through final losses, drawn and described, and found in a sweep's trials.
import { expect, test } from "bun:test";
import { fixtureTrials } from "../trials/test-fixtures.ts";
import { scalingChart, scalingFromTrials, scalingText, type ScalingInput } from "./scaling.ts";

const input: ScalingInput = {
  xLabel: "parameters",
  points: [{ x: 1e4, loss: 5 }, { x: 1e5, loss: 4 }, { x: 1e6, loss: 3.5 }],
  fit: { E: 2, A: 30, alpha: 0.2, intervals: { E: { lo: 1.9, hi: 2.1 }, A: { lo: 25, hi: 35 }, alpha: { lo: 0.18, hi: 0.22 } } },
  prediction: { x: 1e7, loss: 3.2, label: "10× the largest" },
};

test("the chart has the measured points, the fitted curve over their range and the prediction, on log axes", () => {
  const c = scalingChart(input);
  expect(c.series.map((s) => [s.name, s.style])).toEqual([["fit", "line"], ["trials", "points"], ["prediction", "points"]]);
  expect(c.x[0]).toBeCloseTo(1e4);
  expect(c.x.at(-1)).toBeCloseTo(1e7);
  expect(c.series[1]!.values.filter((v) => v !== null)).toEqual([5, 4, 3.5]);
  const fit = c.series[0]!.values.flatMap((v, i) => (v === null ? [] : [[c.x[i]!, v] as const]));
  expect(fit.length).toBe(64);
  for (const [x, y] of fit) expect(y).toBeCloseTo(2 + 30 * x ** -0.2, 9);
  expect([c.logX, c.logY]).toEqual([true, true]);
});

test("the text gives the law, the constants with their intervals, and the prediction", () => {
  expect(scalingText(input)).toEqual([
    "L(parameters) = E + A·parameters^−α over 3 trials: E = 2 [1.9, 2.1], A = 30 [25, 35], α = 0.2 [0.18, 0.22] (90% bootstrap intervals)",
    "predicted loss at 10.0M parameters: 3.2 (10× the largest)",
  ]);
});

test("trials of fewer than three sizes give no fit", () => {
  expect(scalingFromTrials(fixtureTrials())).toBeUndefined();
});

test("finished trials of four model sizes give a power law of val loss against parameters", () => {
  const [t] = fixtureTrials();
  const trials = [1e4, 3e4, 1e5, 3e5].map((n, i) => ({ ...t!, name: `trial-${i + 1}`, summary: { ...t!.summary, params: n, val_loss: 2 + 40 * n ** -0.3 } }));
  const s = scalingFromTrials(trials)!;
  expect(s.xLabel).toBe("parameters");
  expect(s.points.map((p) => p.trial)).toEqual(["trial-1", "trial-2", "trial-3", "trial-4"]);
  expect(s.fit.alpha).toBeCloseTo(0.3, 1);
  expect(s.prediction!.x).toBe(3e6);
  expect(s.prediction!.loss).toBeCloseTo(2 + 40 * 3e6 ** -0.3, 1);
});
