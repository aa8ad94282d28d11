// Causal self-attention: one qkv projection, optional RoPE, fused attention, output projection.
// µP's attention scale lives in the qkv projection (its q columns are multiplied by qScale), so every forward that
// calls cAttn.forward (training, the paged decoder) scores q·k with it; the fused kernel keeps its 1/sqrt(D).
// Dimension letters: B batch, T time, C channels, H heads, D head size (C/H).
import { ops, type Tensor } from "@lathe/gpu";
import type { AttentionSpec, LinearSpec } from "../arch/types.ts";
import { dropout, type Fwd, Linear, noDropout } from "./layers.ts";
import type { ParamStore } from "./params.ts";

/** The qkv projection, with the q third of its output multiplied by a constant when qScale is not 1. */
export class QkvProjection extends Linear {
  readonly qScale: Tensor | null; // (3C): qScale on the q columns, 1 on k and v
  constructor(ps: ParamStore, spec: LinearSpec, qScale: number) {
    super(ps, spec);
    const C = spec.I;
    // A constant, not a parameter; kept so that no tidy() scope open around model construction disposes it.
    this.qScale = qScale === 1 ? null : ps.dev.keep(ps.dev.tensor(Float32Array.from({ length: 3 * C }, (_, i) => (i < C ? qScale : 1)), [3 * C], { name: spec.weight.replace(/\.weight$/, ".q_scale") }));
  }
  override forward(x: Tensor /* (..., C) */, residual: Tensor | null = null): Tensor /* (..., 3C) */ {
    const y = super.forward(x, residual);
    return this.qScale ? ops.mul(y, this.qScale) : y;
  }
}

export class CausalSelfAttention {
  readonly cAttn: QkvProjection;
  readonly cProj: Linear;
  /** The forward's settings: heads, RoPE base (or null), dropout. */
  readonly o: { readonly nHead: number; readonly rope: number | null; readonly dropout: number };
  constructor(ps: ParamStore, spec: AttentionSpec) {
    this.cAttn = new QkvProjection(ps, spec.qkv, spec.qScale);
    this.cProj = new Linear(ps, spec.proj);
    this.o = { nHead: spec.nHead, rope: spec.rope, dropout: spec.dropout };
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
