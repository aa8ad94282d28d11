// Causal self-attention: one qkv projection, optional RoPE, fused attention, output projection.
// Dimension letters: B batch, T time, C channels, H heads, D head size (C/H).
import { ops, type Tensor } from "@lathe/gpu";
import { dropout, type Fwd, Linear, noDropout } from "./layers.ts";
import type { ParamStore } from "./params.ts";

export interface AttentionOpts {
  readonly C: number;
  readonly nHead: number;
  readonly bias: boolean;
  readonly rope: number | null; // RoPE base, or null for none
  readonly dropout: number;
  readonly std: number;
  readonly residStd: number; // scaled init of the projection into the residual stream
}

export class CausalSelfAttention {
  readonly cAttn: Linear;
  readonly cProj: Linear;
  constructor(
    ps: ParamStore,
    name: string,
    readonly o: AttentionOpts,
  ) {
    this.cAttn = new Linear(ps, `${name}.c_attn`, o.C, 3 * o.C, o.bias, { normal: o.std });
    this.cProj = new Linear(ps, `${name}.c_proj`, o.C, o.C, o.bias, { normal: o.residStd });
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
