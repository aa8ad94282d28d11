// Learning-rate schedules: linear warmup, then cosine/linear decay to min_lr or constant.
import { expect, test } from "bun:test";
import { learningRate } from "./schedule.ts";

const base = { lr: 1e-3, min_lr: 1e-4, warmup_steps: 10, steps: 110 };

test.each([
  ["cosine", 0, 1e-3 / 11],
  ["cosine", 9, 1e-3 * (10 / 11)],
  ["cosine", 10, 1e-3],
  ["cosine", 59.5, 5.5e-4],
  ["cosine", 109, 1e-4],
  ["linear", 59.5, 5.5e-4],
  ["linear", 109, 1e-4],
  ["constant", 10, 1e-3],
  ["constant", 109, 1e-3],
] as const)("%s schedule at step %d gives lr %d", (schedule, step, want) => {
  expect(learningRate(step, { ...base, schedule })).toBeCloseTo(want, 10);
});

test("stays at min_lr after the horizon", () => {
  expect(learningRate(500, { ...base, schedule: "cosine" })).toBeCloseTo(1e-4, 12);
});
