// Causal self-attention: one qkv projection, optional RoPE, fused attention, output projection.
// µP's attention scale lives in the qkv projection (its q columns are multiplied by qScale), so every forward that
// calls cAttn.forward (training, the paged decoder) scores q·k with it; the fused kernel keeps its 1/sqrt(D).
// Dimension letters: B batch, T time, C channels, H heads, D head size (C/H).
import { ops, type Tensor } from "@lathe/gpu";
import { dropout, type Fwd, Linear, noDropout } from "./layers.ts";
import type { Init, ParamStore } from "./params.ts";

export interface AttentionOpts {
  readonly C: number;
  readonly nHead: number;
  readonly bias: boolean;
  readonly rope: number | null; // RoPE base, or null for none
  readonly dropout: number;
  readonly std: number;
  readonly residStd: number; // scaled init of the projection into the residual stream
  /** lr multiplier of the two weight matrices (µP: base_width / d_model). @default 1 */
  readonly lrScale?: number;
  /** Multiplier of the queries (µP: sqrt(base_width / d_model), so scores are q·k·sqrt(D0)/D). @default 1 */
  readonly qScale?: number;
}

/** The qkv projection, with the q third of its output multiplied by a constant when qScale is not 1. */
export class QkvProjection extends Linear {
  readonly qScale: Tensor | null; // (3C): qScale on the q columns, 1 on k and v
  constructor(ps: ParamStore, name: string, C: number, bias: boolean, init: Init, lrScale: number, qScale: number) {
    super(ps, name, C, 3 * C, bias, init, lrScale);
    // A constant, not a parameter; kept so that no tidy() scope open around model construction disposes it.
    this.qScale = qScale === 1 ? null : ps.dev.keep(ps.dev.tensor(Float32Array.from({ length: 3 * C }, (_, i) => (i < C ? qScale : 1)), [3 * C], { name: `${name}.q_scale` }));
  }
  override forward(x: Tensor /* (..., C) */, residual: Tensor | null = null): Tensor /* (..., 3C) */ {
    const y = super.forward(x, residual);
    return this.qScale ? ops.mul(y, this.qScale) : y;
  }
}

export class CausalSelfAttention {
  readonly cAttn: QkvProjection;
  readonly cProj: Linear;
  constructor(
    ps: ParamStore,
    name: string,
    readonly o: AttentionOpts,
  ) {
    this.cAttn = new QkvProjection(ps, `${name}.c_attn`, o.C, o.bias, { normal: o.std }, o.lrScale ?? 1, o.qScale ?? 1);
    this.cProj = new Linear(ps, `${name}.c_proj`, o.C, o.C, o.bias, { normal: o.residStd }, o.lrScale ?? 1);
  }
  /** The block's output, plus residual when given (added in the projection's epilogue when there is no dropout). */
  forward(x: Tensor /* (B,T,C) */, f: Fwd, residual: Tensor | null = null): Tensor /* (B,T,C) */ {
    let qkv = this.cAttn.forward(x); // (B,T,3C)
    if (this.o.rope !== null) qkv = ops.rope(qkv, this.o.nHead, this.o.rope); // q, k rotated
    const y = ops.attention(qkv, this.o.nHead, { causal: true }); // (B,T,C), heads re-assembled
    if (noDropout(this.o.dropout, f)) return this.cProj.forward(y, residual);
    const out = dropout(this.cProj.forward(y), this.o.dropout, f); // (B,T,C)
    return residual ? ops.add(residual, out) : out;
  }
}
