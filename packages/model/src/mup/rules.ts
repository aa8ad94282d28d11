// µP for the gpt kind: the multipliers of Tensor Programs V (Yang et al. 2022, "µTransfer"; Table 3 for Adam, as
// microsoft/mup's MuReadout/MuSharedReadout/MuAdamW implement it and Cerebras' µP GPT-2 uses it), relative to a
// base model that is the same config at d_model = base_width (same n_head), so every rule is 1 at the base width.
// With m = d_model / base_width:
//   hidden (matrix-like) weights: c_attn, attn.c_proj, mlp.c_fc, mlp.c_up, mlp.c_proj
//     init std × 1/sqrt(m), AdamW lr × 1/m, weight decay × m (lr·wd per step unchanged, as mup's MuAdamW)
//   embeddings (wte, wpe), biases, norm gains: init, lr, decay unchanged (vector-like: one width dimension)
//   readout (lm_head, or the tied wte): init and lr unchanged, logits × 1/m (mup's output multiplier; applied to
//     the head's input, ln_f's output: the same function and gradients as scaling the logits)
//   attention scores: q·k × sqrt(D0)/D instead of 1/sqrt(D) (D0 = base_width / n_head), i.e. q × 1/sqrt(m)
// Standard parametrization, and old config.json files without the field, get all ones.

/** The fields of a gpt config µP reads (parametrization is absent in configs written before it existed). */
export interface MupFields {
  readonly d_model: number;
  readonly parametrization?: "standard" | "mup";
  readonly base_width?: number;
}

/** Multipliers relative to the standard parametrization; all 1 for standard, or for mup at d_model == base_width. */
export interface MupScales {
  /** m = d_model / base_width. */
  readonly widthMult: number;
  /** × init std of hidden weights. */
  readonly hiddenInit: number;
  /** × lr of hidden weights (their weight decay is divided by it). */
  readonly hiddenLr: number;
  /** × the logits (readout multiplier). */
  readonly output: number;
  /** × the queries: attention scores become q·k · sqrt(D0)/D. */
  readonly query: number;
}

export const STANDARD_SCALES: MupScales = { widthMult: 1, hiddenInit: 1, hiddenLr: 1, output: 1, query: 1 };

export function mupScales(cfg: MupFields): MupScales {
  if (cfg.parametrization !== "mup") return STANDARD_SCALES;
  const base = cfg.base_width || cfg.d_model; // 0 or absent: a base model of its own
  if (base === cfg.d_model) return STANDARD_SCALES; // exactly 1, not d/d in floating point: the standard model bit for bit
  const m = cfg.d_model / base;
  return { widthMult: m, hiddenInit: 1 / Math.sqrt(m), hiddenLr: 1 / m, output: 1 / m, query: 1 / Math.sqrt(m) };
}

/** One line for logs: what µP changes in this model, or null when nothing does. */
export function describeMup(cfg: MupFields): string | null {
  if (cfg.parametrization !== "mup") return null;
  const s = mupScales(cfg);
  const base = cfg.base_width || cfg.d_model;
  if (s.widthMult === 1) return `µP at its base width ${base}: the standard model`;
  const f = (x: number) => `×${Number(x.toPrecision(4))}`;
  return `µP: width ${cfg.d_model} = ${Number(s.widthMult.toPrecision(4))} × base ${base}: hidden init ${f(s.hiddenInit)}, hidden lr ${f(s.hiddenLr)}, logits ${f(s.output)}, attention scores ${f(s.query)} (1/D)`;
}
