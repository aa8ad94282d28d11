// One function per block kind: its parameters (names, shapes, init, decay, lr scale) and its cost per token, the
// formulas that estimate.ts sums. Parameter order is creation order, which is the order checkpoints were always
// written in (norm, then each linear's weight and bias).
// Dimension letters: C d_model, H heads, F mlp hidden, E experts, k top_k, S shared experts, I in, O out,
// Hd recurrent hidden, G gates (4 lstm, 3 gru), T context.
import type { AttentionSpec, Init, LinearSpec, MlpSpec, MoeSpec, NormSpec, ParamSpec, RecurrentSpec } from "./types.ts";

export const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
const count = (ps: readonly ParamSpec[]): number => ps.reduce((s, p) => s + numel(p.shape), 0);

/** A norm's gain (and bias: layernorm with bias only). */
export function normOf(name: string, C: number, kind: "layernorm" | "rmsnorm", bias: boolean, outScale = 1): { spec: NormSpec; params: ParamSpec[] } {
  const b = kind === "layernorm" && bias;
  return {
    spec: { kind, weight: `${name}.weight`, bias: b ? `${name}.bias` : null, C, outScale },
    params: [
      { name: `${name}.weight`, shape: [C], init: "ones", decay: false, lrScale: 1 },
      ...(b ? [{ name: `${name}.bias`, shape: [C], init: "zeros" as const, decay: false, lrScale: 1 }] : []),
    ],
  };
}

/** A linear map's weight (I,O) (or (E,I,O) stacked over `experts`) and bias (O) (or (E,O)); the bias keeps lr 1. */
export function linearOf(name: string, I: number, O: number, bias: boolean, init: Init, lrScale: number, experts?: number): { spec: LinearSpec; params: ParamSpec[] } {
  const lead = experts === undefined ? [] : [experts];
  return {
    spec: { weight: `${name}.weight`, bias: bias ? `${name}.bias` : null, I, O },
    params: [
      { name: `${name}.weight`, shape: [...lead, I, O], init, decay: true, lrScale },
      ...(bias ? [{ name: `${name}.bias`, shape: [...lead, O], init: "zeros" as const, decay: false, lrScale: 1 }] : []),
    ],
  };
}

/** What every residual block of a transformer-like stack shares. */
export interface BlockDims {
  readonly C: number;
  readonly T: number;
  readonly bias: boolean;
  readonly norm: "layernorm" | "rmsnorm";
  readonly dropout: number;
  /** Init std of the block's input-side weights. */
  readonly std: number;
  /** Init std of the projections into the residual stream. */
  readonly residStd: number;
  /** lr multiplier of the weight matrices (µP's hidden lr). */
  readonly lrScale: number;
}

/** Causal self-attention: qkv (C,3C), proj (C,C). */
export function attentionBlock(name: string, normName: string, layer: number, d: BlockDims, nHead: number, rope: number | null, qScale: number): AttentionSpec {
  const { C, T } = d;
  const norm = normOf(normName, C, d.norm, d.bias);
  const qkv = linearOf(`${name}.c_attn`, C, 3 * C, d.bias, { normal: d.std }, d.lrScale);
  const proj = linearOf(`${name}.c_proj`, C, C, d.bias, { normal: d.residStd }, d.lrScale);
  const params = [...norm.params, ...qkv.params, ...proj.params];
  const n = count(params);
  return {
    kind: "attention", name, layer, norm: norm.spec, params, dropout: d.dropout, C, nHead, rope, qScale, qkv: qkv.spec, proj: proj.spec,
    cost: {
      params: n, activeParams: n,
      extraFlops: 12 * T * C, // QK^T and AV: forward 4TC, backward 8TC (full-T upper bound)
      actPerToken: 2 * C + 3 * C + C + C + 2 * nHead + C, // norm in/out, qkv, y, proj, stats, residual
      largestPerSeq: nHead * T * T,
    },
  };
}

/** The feed-forward's parameters: fc (C,F), up (C,F) for swiglu, proj (F,C); stacked over `experts` when given. */
function ffn(name: string, C: number, F: number, swiglu: boolean, d: BlockDims, experts?: number) {
  const fc = linearOf(`${name}.c_fc`, C, F, d.bias, { normal: d.std }, d.lrScale, experts);
  const up = swiglu ? linearOf(`${name}.c_up`, C, F, d.bias, { normal: d.std }, d.lrScale, experts) : null;
  const proj = linearOf(`${name}.c_proj`, F, C, d.bias, { normal: d.residStd }, d.lrScale, experts);
  return { fc, up, proj, params: [...fc.params, ...(up?.params ?? []), ...proj.params] };
}

/** GPT-2's GELU MLP or LLaMA's SwiGLU; normName null for an MLP inside another block (MoE's shared experts). */
export function mlpBlock(name: string, normName: string | null, layer: number, d: BlockDims, F: number, act: "gelu" | "swiglu"): MlpSpec {
  const { C, T } = d;
  const norm = normName === null ? null : normOf(normName, C, d.norm, d.bias);
  const f = ffn(name, C, F, act === "swiglu", d);
  const params = [...(norm?.params ?? []), ...f.params];
  const n = count(params);
  return {
    kind: "mlp", name, layer, norm: norm?.spec ?? null, params, dropout: d.dropout, C, F, act, fc: f.fc.spec, up: f.up?.spec ?? null, proj: f.proj.spec,
    cost: {
      params: n, activeParams: n, extraFlops: 0,
      actPerToken: (norm ? 2 * C : 0) + (act === "swiglu" ? 3 : 2) * F + C + C, // norm, hidden (pre/post act), out, residual
      largestPerSeq: T * F,
    },
  };
}

export interface MoeDims {
  readonly experts: number;
  readonly top_k: number;
  readonly capacity_factor: number;
  readonly shared_experts: number;
  readonly router: "softmax" | "sigmoid";
  readonly aux_loss: number;
  readonly z_loss: number;
}

/**
 * Mixture of experts: router (C,E) without bias, experts' fc (E,C,F), up (E,C,F) for swiglu, proj (E,F,C), and the
 * shared experts as one MLP of width S·F. A token multiplies the router, k experts and the shared MLP.
 */
export function moeBlock(name: string, normName: string, layer: number, d: BlockDims, F: number, act: "gelu" | "swiglu", m: MoeDims): MoeSpec {
  const { C, T } = d;
  const E = m.experts;
  const k = m.top_k;
  const norm = normOf(normName, C, d.norm, d.bias);
  const gate = linearOf(`${name}.router`, C, E, false, { normal: d.std }, d.lrScale);
  const experts = ffn(`${name}.experts`, C, F, act === "swiglu", d, E);
  const shared = m.shared_experts > 0 ? mlpBlock(`${name}.shared`, null, layer, { ...d, dropout: 0 }, m.shared_experts * F, act) : null; // dropout: the block's, on the sum
  const params = [...norm.params, ...gate.params, ...experts.params, ...(shared?.params ?? [])];
  const n = count(params);
  const expertParams = count(experts.params);
  const slots = m.capacity_factor * k; // expert rows per token in training
  return {
    kind: "moe", name, layer, norm: norm.spec, params, dropout: d.dropout, C, F, act,
    experts: E, topK: k, capacityFactor: m.capacity_factor, router: m.router, auxLoss: m.aux_loss, zLoss: m.z_loss,
    gate: gate.spec, fc: experts.fc.spec, up: experts.up?.spec ?? null, proj: experts.proj.spec, shared,
    cost: {
      params: n,
      activeParams: n - expertParams + (expertParams * Math.min(k, E)) / E,
      extraFlops: 0,
      // norm, router logits and probs, gathered rows, hidden, expert outputs, combined output, residual
      actPerToken: 2 * C + 2 * E + slots * (C + (act === "swiglu" ? 3 : 2) * F + C) + C + C + (shared ? shared.cost.actPerToken : 0),
      largestPerSeq: Math.ceil(slots * T) * Math.max(F, C),
    },
  };
}

/** One LSTM/GRU layer: weight_ih (I,G·Hd), bias_ih (G·Hd), weight_hh (Hd,G·Hd); hybrid adds norm and c_proj (Hd,C). */
export function recurrentBlock(
  name: string, layer: number, cell: "lstm" | "gru", I: number, Hd: number, T: number, dropout: number,
  residual: { readonly prefix: string; readonly normName: string; readonly d: BlockDims } | null,
): RecurrentSpec {
  const G = cell === "lstm" ? 4 : 3;
  const a = 1 / Math.sqrt(Hd); // PyTorch's uniform(-1/sqrt(Hd), 1/sqrt(Hd))
  const norm = residual ? normOf(residual.normName, residual.d.C, residual.d.norm, residual.d.bias) : null;
  // LSTM forget-gate bias 1 (Jozefowicz et al. 2015); gates are (i, f, g, o)
  const biasInit: Init = cell === "lstm" ? { fill: 1, from: Hd, to: 2 * Hd } : "zeros";
  const rnn: ParamSpec[] = [
    { name: `${name}.weight_ih`, shape: [I, G * Hd], init: { uniform: a }, decay: true, lrScale: 1 },
    { name: `${name}.bias_ih`, shape: [G * Hd], init: biasInit, decay: false, lrScale: 1 },
    { name: `${name}.weight_hh`, shape: [Hd, G * Hd], init: { uniform: a }, decay: true, lrScale: 1 },
  ];
  const proj = residual ? linearOf(`${residual.prefix}.c_proj`, Hd, residual.d.C, residual.d.bias, { normal: residual.d.residStd }, 1) : null;
  const params = [...(norm?.params ?? []), ...rnn, ...(proj?.params ?? [])];
  const n = count(params);
  return {
    kind: "recurrent", name, layer, norm: norm?.spec ?? null, params, dropout, cell, I, Hd,
    ih: { weight: `${name}.weight_ih`, bias: `${name}.bias_ih`, I, O: G * Hd }, hh: `${name}.weight_hh`, proj: proj?.spec ?? null,
    cost: {
      params: n, activeParams: n, extraFlops: 0,
      actPerToken: I + 2 * G * Hd + 3 * Hd, // input, pre/post gates, h, c, tanh(c)
      largestPerSeq: T * G * Hd,
    },
  };
}
