// sweep.scaling over a sweep's trials: the fits compare and report print, the prediction, and too few trials.
import { expect, test } from "bun:test";
import type { Recipe } from "@lathe/recipe";
import { scalingText } from "../report/scaling.ts";
import type { TrialData } from "./load.ts";
import { applyPredict, ScalingError, scalingFromSpec, type ScalingSpec } from "./scaling.ts";
import { fixtureTrials } from "./test-fixtures.ts";

const base = { model: { kind: "gpt", n_layer: 2, n_head: 2, d_model: 32, context: 32 }, train: { steps: 100, batch_size: 8, grad_accum: 1 } } as unknown as Recipe;
const spec = (s: Partial<ScalingSpec>): ScalingSpec => ({ fit: "loss_vs_params", metric: "val_loss", predict: {}, flops: 0, ...s });

/** Finished trials of synthetic size: loss = 2 + 40·N^−0.3 (+ 300·D^−0.25 when `tokens` vary). */
function ladder(sizes: readonly [number, number][]): TrialData[] {
  const [t] = fixtureTrials();
  return sizes.map(([n, d], i) => ({
    ...t!, name: `trial-${i + 1}`, recipe: { ...t!.recipe, model: { ...base.model, d_model: 32 } } as unknown as Recipe,
    summary: { ...t!.summary, params: n, tokens: d, val_loss: 2 + 40 * n ** -0.3 + 300 * d ** -0.25 },
  }));
}

test("a loss_vs_params fit prints its constants with bootstrap intervals and the prediction of scaling.predict", () => {
  const trials = ladder([[1e4, 1e6], [3e4, 1e6], [1e5, 1e6], [3e5, 1e6]]);
  const s = scalingFromSpec({ base }, trials, spec({ predict: { "model.d_model": 64 } }), { bootstrap: 20 })!;
  expect(s.xLabel).toBe("parameters");
  expect(s.fit.alpha).toBeCloseTo(0.3, 1);
  const lines = scalingText(s);
  expect(lines[0]).toMatch(/^L\(parameters\) = E \+ A·parameters\^−α over 4 trials: E = [\d.]+ \[[\d.]+, [\d.]+\], A = .* \(90% bootstrap intervals\)$/);
  expect(lines[1]).toMatch(/^predicted loss at [\d.]+k? parameters: [\d.]+ \(sweep\.scaling\.predict: model\.d_model=64\)$/);
});

test("a loss_vs_tokens fit runs over the tokens trained", () => {
  const trials = ladder([[1e5, 1e5], [1e5, 3e5], [1e5, 1e6], [1e5, 3e6]]);
  const s = scalingFromSpec({ base }, trials, spec({ fit: "loss_vs_tokens" }), { bootstrap: 10 })!;
  expect(s.xLabel).toBe("tokens");
  expect(s.points.map((p) => p.x)).toEqual([1e5, 3e5, 1e6, 3e6]);
  expect(s.fit.alpha).toBeCloseTo(0.25, 1);
});

test("a chinchilla fit prints five constants, the prediction and the compute-optimal N and D", () => {
  const sizes: [number, number][] = [];
  for (const n of [1e4, 1e5, 1e6]) for (const d of [1e5, 1e6]) sizes.push([n, d]);
  const s = scalingFromSpec({ base }, ladder(sizes), spec({ fit: "chinchilla", predict: { "train.steps": 1000 }, flops: 1e15 }), { bootstrap: 5 })!;
  const lines = scalingText(s);
  expect(lines[0]).toMatch(/^L\(N, D\) = E \+ A·N\^−α \+ B·D\^−β over 6 trials: E = .*, B = .*, β = .* \(90% bootstrap intervals\)$/);
  expect(lines[1]).toMatch(/^predicted val_loss at N = .* parameters, D = 256\.0k tokens: [\d.]+ \(sweep\.scaling\.predict: train\.steps=1000\)$/);
  expect(lines[2]).toMatch(/^compute-optimal for 1\.00e\+15 FLOPs: N = .* parameters, D = .* tokens, val_loss [\d.]+$/);
});

test("too few finished trials is one line naming how many are finished and how many the fit needs", () => {
  const trials = [...ladder([[1e4, 1e6], [3e4, 1e6]]), fixtureTrials()[1]!, fixtureTrials()[2]!];
  expect(() => scalingFromSpec({ base }, trials, spec({}))).toThrow(
    new ScalingError("sweep.scaling", "a loss_vs_params fit needs at least 4 finished trials (it fits E, A, α); 2 of 4 trials are finished", "build the sweep (lathe build), or wait for more trials to finish"),
  );
  expect(() => scalingFromSpec({ base }, trials, spec({}))).toThrow("sweep.scaling: a loss_vs_params fit needs at least 4 finished trials (it fits E, A, α); 2 of 4 trials are finished. Hint: build the sweep (lathe build), or wait for more trials to finish");
});

test("no fit is asked for with fit: none", () => {
  expect(scalingFromSpec({ base }, fixtureTrials(), spec({ fit: "none" }))).toBeUndefined();
});

test("a predict path the recipe lacks is an error naming it", () => {
  expect(() => applyPredict(base, { "model.dmodel": 64 })).toThrow("sweep.scaling.predict.model.dmodel: the recipe has no field model.dmodel. Hint: give recipe paths such as model.d_model or model.n_layer");
  expect((applyPredict(base, { "model.d_model": 64 }).model as { d_model: number }).d_model).toBe(64);
});
