// A µP gpt's inference multipliers folded into its weights, for formats that have no room for them (Hugging Face
// GPT-2, llama.cpp's gpt2): the query multiplier into the q columns of each c_attn (weight and bias), the readout
// multiplier into ln_f's gain and bias. Both are exact: q is linear in c_attn, and the logits are linear in ln_f's
// output. The result is a standard-parametrization model with the same logits; it is for export only (training it
// further would need µP's lr rules, which the folded form has lost).
// Dimension letters: C d_model, L layers.
import type { GptConfig } from "../config.ts";
import type { TensorMap } from "../io/safetensors.ts";
import { mupScales } from "./rules.ts";

export function foldMup(cfg: GptConfig, w: TensorMap): { readonly cfg: GptConfig; readonly weights: TensorMap } {
  const s = mupScales(cfg);
  if (s.query === 1 && s.output === 1) return { cfg, weights: w };
  const C = cfg.d_model;
  const out: TensorMap = new Map(w);
  const scaled = (name: string, f: (data: Float32Array) => void): void => {
    const t = w.get(name);
    if (!t) return; // absent optional tensors (biases) stay absent; missing weights are the exporter's to report
    const data = Float32Array.from(t.data as Float32Array);
    f(data);
    out.set(name, { ...t, data });
  };
  for (let l = 0; l < cfg.n_layer; l++) {
    scaled(`h.${l}.attn.c_attn.weight`, (d) => {
      for (let r = 0; r < C; r++) for (let c = 0; c < C; c++) d[r * 3 * C + c] *= s.query; // (C,3C): q = columns [0,C)
    });
    scaled(`h.${l}.attn.c_attn.bias`, (d) => {
      for (let c = 0; c < C; c++) d[c] *= s.query; // (3C)
    });
  }
  for (const name of ["ln_f.weight", "ln_f.bias"]) scaled(name, (d) => d.forEach((v, i) => (d[i] = v * s.output))); // (C)
  return { cfg: { ...cfg, parametrization: "standard", base_width: cfg.d_model }, weights: out };
}
