// The mixture-of-experts side of `bun run bench train --shape moe`: the MoE model of recipes/brown-moe.yaml, its
// dense twin (the same model with no experts and the mlp_ratio whose FLOPs per token, by estimate(), are closest to
// the MoE model's active FLOPs), and the median/spread of per-round numbers.
// Dimension letters: C d_model, F the dense MLP's hidden width (C * mlp_ratio), B batch, T context.
import { mlpHidden, resolveModelConfig } from "../../src/config.ts";
import { type Estimate, estimate } from "../../src/estimate.ts";
import { median } from "../llmc/llmc.ts";

/** recipes/brown-moe.yaml's model and batch: brown-gpt's shape with 8 experts, top 2, in every 2nd block. */
export const MOE_SHAPE = {
  name: "moe-L4-C128-T64-B16-V2048-E8k2",
  B: 16,
  V: 2048,
  model: { kind: "gpt", n_layer: 4, n_head: 4, d_model: 128, context: 64, moe: { experts: 8, top_k: 2, every: 2, capacity_factor: 1.25 } },
} as const;

/** An estimate's counts as printed in the bench JSON. */
export interface EstimateJson {
  readonly params: number;
  readonly active_params: number;
  readonly flops_per_token: number;
}

export const estimateJson = (e: Estimate): EstimateJson => ({ params: e.params, active_params: e.activeParams, flops_per_token: e.flopsPerToken });

export interface DenseTwin {
  /** The dense model section: the MoE section without `moe`, with mlp_ratio = F / C. */
  readonly model: Record<string, unknown>;
  /** The dense MLP's hidden width F. */
  readonly hidden: number;
  readonly moe: Estimate;
  readonly dense: Estimate;
  /** (dense FLOPs per token / MoE active FLOPs per token − 1) in percent. */
  readonly flopsDiffPct: number;
}

/**
 * The dense model whose training FLOPs per token (estimate().flopsPerToken) are closest to the MoE model's, among
 * those whose MLP hidden width F is a multiple of `align` (64: whole matmul tiles, as the experts' own width, so the
 * dense side is not slowed by a ragged edge; with C = 128 that is mlp_ratio in steps of 0.5). Only F changes, and a
 * dense model's FLOPs are affine in F, so two estimates give it; the aligned widths either side are compared.
 */
export function denseTwin(moeModel: Readonly<Record<string, unknown>>, vocab: number, B: number, align = 64): DenseTwin {
  const moe = estimate(resolveModelConfig(moeModel, vocab), B);
  const { moe: _, ...base } = moeModel;
  const { d_model: C, mlp_ratio } = resolveModelConfig(base, vocab) as { readonly d_model: number; readonly mlp_ratio: number };
  const at = (F: number) => {
    const model = { ...base, mlp_ratio: F / C };
    return { model, F, e: estimate(resolveModelConfig(model, vocab), B) };
  };
  const F0 = mlpHidden(C, mlp_ratio);
  const [a, b] = [at(F0), at(F0 + 1)];
  const perUnit = b.e.flopsPerToken - a.e.flopsPerToken; // FLOPs per token per hidden unit, over all blocks
  const exact = F0 + (moe.flopsPerToken - a.e.flopsPerToken) / perUnit;
  const lo = Math.max(align, Math.floor(exact / align) * align);
  const diff = (x: ReturnType<typeof at>) => Math.abs(x.e.flopsPerToken - moe.flopsPerToken);
  const best = [lo, lo + align].map(at).reduce((x, y) => (diff(y) < diff(x) ? y : x));
  return { model: best.model, hidden: best.F, moe, dense: best.e, flopsDiffPct: (best.e.flopsPerToken / moe.flopsPerToken - 1) * 100 };
}

/** Median and spread of one number over rounds, rounded to `digits`. */
export function spreadOf(xs: readonly number[], digits = 1): { readonly median: number; readonly min: number; readonly max: number } {
  const r = (x: number) => +x.toFixed(digits);
  return { median: r(median(xs)), min: r(Math.min(...xs)), max: r(Math.max(...xs)) };
}
