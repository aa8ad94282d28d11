// Feed-forward block: GPT-2 (Linear, GELU, Linear) or LLaMA SwiGLU (silu(gate) * up, then down).
// Dimension letters: B batch, T time, C channels, F hidden width.
import { ops, type Tensor } from "@lathe/gpu";
import type { MlpSpec } from "../arch/types.ts";
import { dropout, type Fwd, Linear, noDropout } from "./layers.ts";
import type { ParamStore } from "./params.ts";

/** What a transformer block's feed-forward does, dense (Mlp) or mixture of experts (MoeMlp). */
export interface FeedForward {
  /** The block's output, plus residual when given. */
  forward(x: Tensor /* (..., C) */, f: Fwd, residual?: Tensor | null): Tensor /* (..., C) */;
}

export class Mlp implements FeedForward {
  readonly cFc: Linear; // gelu: (C,F); swiglu: the gate
  readonly cUp: Linear | null; // swiglu only: (C,F)
  readonly cProj: Linear; // (F,C)
  readonly o: { readonly dropout: number };
  constructor(ps: ParamStore, spec: MlpSpec) {
    this.cFc = new Linear(ps, spec.fc);
    this.cUp = spec.up ? new Linear(ps, spec.up) : null;
    this.cProj = new Linear(ps, spec.proj);
    this.o = { dropout: spec.dropout };
  }
  /**
   * The block's output, plus residual when given. Without dropout, GPT-2's GELU MLP is one fused op (GELU and the
   * residual in the products' epilogues).
   */
  forward(x: Tensor /* (B,T,C) */, f: Fwd, residual: Tensor | null = null): Tensor /* (B,T,C) */ {
    const fused = noDropout(this.o.dropout, f);
    if (!this.cUp && fused) return ops.geluMlp(x, this.cFc.w, this.cFc.b, this.cProj.w, this.cProj.b, { residual });
    const h = this.cUp ? ops.swiglu(this.cFc.forward(x), this.cUp.forward(x)) : ops.gelu(this.cFc.forward(x)); // (B,T,F)
    if (fused) return this.cProj.forward(h, residual);
    const out = dropout(this.cProj.forward(h), this.o.dropout, f);
    return residual ? ops.add(residual, out) : out;
  }
}
