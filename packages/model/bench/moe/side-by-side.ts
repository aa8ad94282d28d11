// `bun run bench train --shape moe`: rounds of the MoE model of recipes/brown-moe.yaml and its dense twin of equal
// active FLOPs per token (twin.ts), alternately (the MoE model first in even rounds, the dense one in odd ones, so a
// drift of a shared machine's speed within a round favours neither), then ops.groupedMatmul against one matmul per
// expert at the shapes of the experts' two products in training, (E,cap,C)·(E,C,F) and (E,cap,F)·(E,F,C).
// Dimension letters: E experts, k top_k, N = B*T tokens per step, cap = ceil(capacity_factor·N·k/E), C d_model, F the
// expert's hidden width.
// benchGroupedMatmul is not exported by @lathe/gpu's index, so it is imported from its file (a bench-only reach).
import type { Device } from "@lathe/gpu";
import { benchGroupedMatmul, type GroupedMatmulBench } from "../../../gpu/src/kernels/moe/bench.ts";
import { type GptConfig, type ModelConfig, mlpHidden, moeCapacity, resolveModelConfig } from "../../src/config.ts";
import { median } from "../llmc/llmc.ts";
import { denseTwin, estimateJson, MOE_SHAPE, spreadOf } from "./twin.ts";

export interface MoeSideBySideOptions {
  /** Timed steps per model per round (after one warm-up step each). */
  readonly steps: number;
  readonly rounds: number;
  /** Trains `cfg` for the timed steps; warm: each timed step's wall ms, result: train.ts's per-model JSON. */
  readonly measure: (name: string, cfg: ModelConfig, B: number) => Promise<{ readonly result: Record<string, unknown>; readonly warm: readonly number[] }>;
}

export async function moeSideBySide(dev: Device, o: MoeSideBySideOptions) {
  const { B, V, model } = MOE_SHAPE;
  const twin = denseTwin(model, V, B);
  const moeCfg = resolveModelConfig(model, V);
  const denseCfg = resolveModelConfig(twin.model, V);
  const N = B * model.context;
  const tps = (ms: number) => Math.round((N / ms) * 1000);
  const rounds: { moe_ms: number; dense_ms: number; moe_tokens_per_s: number; dense_tokens_per_s: number; moe_over_dense: number }[] = [];
  const last: Record<"moe" | "dense", Record<string, unknown>> = { moe: {}, dense: {} };
  for (let r = 0; r < o.rounds; r++) {
    const order = r % 2 === 0 ? (["moe", "dense"] as const) : (["dense", "moe"] as const);
    const ms = { moe: 0, dense: 0 };
    for (const side of order) {
      const m = await o.measure(side, side === "moe" ? moeCfg : denseCfg, B);
      ms[side] = median(m.warm);
      last[side] = m.result;
    }
    rounds.push({ moe_ms: +ms.moe.toFixed(1), dense_ms: +ms.dense.toFixed(1), moe_tokens_per_s: tps(ms.moe), dense_tokens_per_s: tps(ms.dense), moe_over_dense: +(ms.dense / ms.moe).toFixed(3) });
    console.error(`round ${r + 1}: moe ${rounds.at(-1)!.moe_ms} ms, dense ${rounds.at(-1)!.dense_ms} ms per step: ${rounds.at(-1)!.moe_over_dense}x`);
  }

  const { experts: E, top_k: k, capacity_factor: cf } = model.moe;
  const C = model.d_model;
  const F = mlpHidden(C, (moeCfg as GptConfig).mlp_ratio);
  const cap = moeCapacity(cf, N, k, E);
  const grouped = async (I: number, O: number) => gmmJson(`(E,cap,${I === C ? "C" : "F"})·(E,${I === C ? "C,F" : "F,C"})`, E, cap, I, O, await benchGroupedMatmul(dev, { E, R: cap, I, O, rounds: o.rounds }));

  return {
    shape: MOE_SHAPE.name,
    tokens_per_step: N,
    steps_per_round: o.steps,
    moe: { model, estimate: { ...estimateJson(twin.moe), capacity: cap, drop_at_init: +(twin.moe.moe?.dropAtInit ?? 0).toPrecision(3) } },
    dense: { model: twin.model, estimate: estimateJson(twin.dense) },
    active_flops_diff_pct: +twin.flopsDiffPct.toFixed(2),
    flops_note: `equal by estimate(), which counts top_k of E experts; the expert products run on all E*cap = ${E * cap} rows (empty slots computed as zeros), ${((E * cap) / (N * k)).toFixed(2)}x the ${N * k} routed ones`,
    tokens_per_s: { moe: spreadOf(rounds.map((x) => x.moe_tokens_per_s), 0), dense: spreadOf(rounds.map((x) => x.dense_tokens_per_s), 0) },
    moe_over_dense: { ratio_is: "MoE tokens/s over dense tokens/s per round (below 1: the MoE model is slower)", ...spreadOf(rounds.map((x) => x.moe_over_dense), 3) },
    rounds,
    last_round: {
      moe: pick(last.moe, ["encode_ms_per_step", "aux_metrics_ms_per_step", "dispatches_per_step", "submits_per_step", "moe_metrics_last_step"]),
      dense: pick(last.dense, ["encode_ms_per_step", "dispatches_per_step", "submits_per_step"]),
    },
    grouped_matmul: [await grouped(C, F), await grouped(F, C)],
  };
}

const pick = (o: Record<string, unknown>, keys: readonly string[]) => Object.fromEntries(keys.filter((k) => k in o).map((k) => [k, o[k]]));

function gmmJson(product: string, E: number, R: number, I: number, O: number, b: GroupedMatmulBench) {
  return {
    product: `${product}, E=${E} cap=${R} ${I}x${O}`,
    mflop: +(b.flop / 1e6).toFixed(1),
    reps: b.reps,
    grouped_gflops: spreadOf(b.rounds.map((r) => r.grouped), 2),
    separate_gflops: spreadOf(b.rounds.map((r) => r.separate), 2),
    grouped_over_separate: spreadOf(b.rounds.map((r) => r.grouped / r.separate), 3),
  };
}
