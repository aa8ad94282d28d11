// Feed-forward block: GPT-2 (Linear, GELU, Linear) or LLaMA SwiGLU (silu(gate) * up, then down).
// Dimension letters: B batch, T time, C channels, F hidden width.
import { ops, type Tensor } from "@lathe/gpu";
import type { MlpKind } from "../config.ts";
import { dropout, type Fwd, Linear, noDropout } from "./layers.ts";
import type { ParamStore } from "./params.ts";

export interface MlpOpts {
  readonly C: number;
  readonly F: number;
  readonly kind: MlpKind;
  readonly bias: boolean;
  readonly dropout: number;
  readonly std: number;
  readonly residStd: number;
  /** lr multiplier of the weight matrices (µP: base_width / d_model). @default 1 */
  readonly lrScale?: number;
}

export class Mlp {
  readonly cFc: Linear; // gelu: (C,F); swiglu: the gate
  readonly cUp: Linear | null; // swiglu only: (C,F)
  readonly cProj: Linear; // (F,C)
  constructor(
    ps: ParamStore,
    name: string,
    readonly o: MlpOpts,
  ) {
    const lr = o.lrScale ?? 1;
    this.cFc = new Linear(ps, `${name}.c_fc`, o.C, o.F, o.bias, { normal: o.std }, lr);
    this.cUp = o.kind === "swiglu" ? new Linear(ps, `${name}.c_up`, o.C, o.F, o.bias, { normal: o.std }, lr) : null;
    this.cProj = new Linear(ps, `${name}.c_proj`, o.F, o.C, o.bias, { normal: o.residStd }, lr);
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
