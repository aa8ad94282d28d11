// Basic layers: Linear (weight stored (in, out)), LayerNorm/RMSNorm, and dropout that is a no-op at eval time.
// Each takes its tensors from the ParamStore by the names of its description (arch/types.ts); µP's multipliers are
// there as plain numbers (a weight's lr scale, a norm's output scale), so a forward built from these layers needs
// no knowledge of the parametrization.
// Dimension letters: N rows (any leading dims), I in features, O out features, C channels.
import { ops, type Tensor } from "@lathe/gpu";
import type { LinearSpec, NormSpec } from "../arch/types.ts";
import type { ParamStore } from "./params.ts";

/** Per-forward settings: training mode and a seed source for dropout masks. */
export interface Fwd {
  readonly train: boolean;
  /** Seed of this forward pass; each dropout site adds its own offset. */
  readonly seed: number;
  site: number;
  /**
   * Only these rows (i32 (M), indices into the N = B*T positions) reach the head: the forward returns (M,V) logits.
   * Scoring asks for the continuation's positions alone, so the head costs M·C·V instead of N·C·V.
   */
  readonly rows?: Tensor;
}

/** h (N,C) → its rows `rows` (M) as (M,C), by the embedding gather (deterministic scatter-add backward); h without rows. */
export function headRows(h: Tensor /* (N,C) */, rows: Tensor | undefined): Tensor /* (M,C) */ {
  if (!rows) return h;
  const M = rows.shape[0]!;
  return ops.reshape(ops.embedding(ops.reshape(rows, [1, M]), h), [M, h.shape[1]!]);
}

export class Linear {
  readonly w: Tensor; // (I, O)
  readonly b: Tensor | null; // (O)
  constructor(ps: ParamStore, spec: LinearSpec) {
    this.w = ps.take(spec.weight);
    this.b = ps.maybe(spec.bias);
  }
  /** x·W + b, plus residual (of the output's shape) when given, added in the product's epilogue. */
  forward(x: Tensor /* (..., I) */, residual: Tensor | null = null): Tensor /* (..., O) */ {
    return ops.matmul(x, this.w, { bias: this.b, residual });
  }
}

export class Norm {
  readonly w: Tensor; // (C)
  readonly b: Tensor | null; // (C), layernorm: learned bias, or constant zeros when bias is off
  /** A constant multiplier of the output (µP's readout multiplier on ln_f: the head's input, so its logits). */
  readonly outScale: number;
  constructor(ps: ParamStore, spec: NormSpec) {
    this.w = ps.take(spec.weight);
    this.b = spec.kind === "rmsnorm" ? null : (ps.maybe(spec.bias) ?? ps.dev.zeros([spec.C]));
    this.outScale = spec.outScale;
  }
  forward(x: Tensor /* (..., C) */): Tensor /* (..., C) */ {
    const y = this.b ? ops.layerNorm(x, this.w, this.b, 1e-5) : ops.rmsNorm(x, this.w, 1e-5);
    return this.outScale === 1 ? y : ops.scale(y, this.outScale);
  }
}

/** Whether dropout with probability p is a no-op in this forward (evaluation, or p = 0): then ops can be fused across it. */
export function noDropout(p: number, f: Fwd): boolean {
  return !f.train || p === 0;
}

export function dropout(x: Tensor, p: number, f: Fwd): Tensor {
  if (!f.train || p === 0) return x;
  f.site++;
  return ops.dropout(x, p, (f.seed + Math.imul(f.site, 0x9e3779b1)) >>> 0);
}
