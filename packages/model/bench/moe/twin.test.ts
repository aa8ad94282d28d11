// The dense twin of `bench train --shape moe`: same active FLOPs per token as the MoE model, by the model's estimate.
import { expect, test } from "bun:test";
import { denseTwin, MOE_SHAPE, spreadOf } from "./twin.ts";

test("the dense twin of the bench's MoE model matches its active FLOPs per token within 1%, at a whole-tile width", () => {
  const t = denseTwin(MOE_SHAPE.model, MOE_SHAPE.V, MOE_SHAPE.B);
  expect(Math.abs(t.flopsDiffPct)).toBeLessThan(1);
  expect(t.model.moe).toBeUndefined();
  // Two MoE blocks of top-2 experts and two dense blocks: 6 MLPs' worth over 4 blocks, so mlp_ratio 4 * 6/4 = 6.
  expect(t.model.mlp_ratio).toBe(6);
  expect(t.hidden).toBe(768);
  expect(t.dense.params).toBe(t.dense.activeParams);
  expect(t.moe.activeParams).toBeLessThan(t.moe.params);
});

test("a model with one expert of top 1 has the dense model of the same mlp_ratio as its twin (the router is tiny)", () => {
  const t = denseTwin({ ...MOE_SHAPE.model, moe: { experts: 1, top_k: 1, every: 1 } }, MOE_SHAPE.V, MOE_SHAPE.B);
  expect(t.hidden).toBe(512);
  expect(t.flopsDiffPct).toBeLessThan(0);
  expect(t.flopsDiffPct).toBeGreaterThan(-0.2);
});

test("without alignment the twin's width is the one closest in FLOPs, router included", () => {
  const t = denseTwin(MOE_SHAPE.model, MOE_SHAPE.V, MOE_SHAPE.B, 1);
  expect(t.hidden).toBe(770); // 768 + the two routers' 2 x 128 x 8 weights, spread over 4 blocks' 2C+1 per unit
  expect(Math.abs(t.flopsDiffPct)).toBeLessThan(0.04); // half of one hidden unit's 6 x 4 x 257 FLOPs
});

test("a spread is the median, min and max, rounded", () => {
  expect(spreadOf([3.14159, 1.5, 2.25], 2)).toEqual({ median: 2.25, min: 1.5, max: 3.14 });
});
