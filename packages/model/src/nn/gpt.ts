// GPT: token (+ learned position) embedding, n_layer pre-norm blocks (attention, MLP), final norm, linear head
// (tied to the token embedding by default). GPT-2 init: N(0, init_std), residual projections init_std/sqrt(2L).
// With parametrization mup (mup/rules.ts) the hidden weights' init and lr, the queries and the head's input carry
// µP's width multipliers; at d_model == base_width every multiplier is 1 and no op is added.
// Dimension letters: B batch, T time, C d_model, V vocab, N rows (B*T).
import { ops, ShapeError, type Tensor } from "@lathe/gpu";
import { type GptConfig, mlpHidden } from "../config.ts";
import { CausalSelfAttention } from "./attention.ts";
import { dropout, type Fwd, headRows, Norm } from "./layers.ts";
import { Mlp } from "./mlp.ts";
import type { LanguageModel } from "./model.ts";
import type { ParamStore } from "./params.ts";
import { mupScales } from "../mup/rules.ts";

/** Sees the activations of a forward by name (embed, h.0 … h.L-1, logits): the µP coordinate check reads them. */
export type Tap = (name: string, x: Tensor) => void;

class Block {
  readonly ln1: Norm;
  readonly attn: CausalSelfAttention;
  readonly ln2: Norm;
  readonly mlp: Mlp;
  constructor(ps: ParamStore, name: string, cfg: GptConfig) {
    const mup = mupScales(cfg);
    const std = cfg.init_std * mup.hiddenInit; // every weight matrix of a block is hidden (both dims grow with width)
    const residStd = std / Math.sqrt(2 * cfg.n_layer);
    const lrScale = mup.hiddenLr;
    this.ln1 = new Norm(ps, `${name}.ln_1`, cfg.d_model, cfg.norm, cfg.bias);
    this.attn = new CausalSelfAttention(ps, `${name}.attn`, {
      C: cfg.d_model, nHead: cfg.n_head, bias: cfg.bias, rope: cfg.pos === "rope" ? cfg.rope_base : null,
      dropout: cfg.dropout, std, residStd, lrScale, qScale: mup.query,
    });
    this.ln2 = new Norm(ps, `${name}.ln_2`, cfg.d_model, cfg.norm, cfg.bias);
    this.mlp = new Mlp(ps, `${name}.mlp`, {
      C: cfg.d_model, F: mlpHidden(cfg.d_model, cfg.mlp_ratio), kind: cfg.mlp, bias: cfg.bias, dropout: cfg.dropout, std, residStd, lrScale,
    });
  }
  forward(x: Tensor /* (B,T,C) */, f: Fwd): Tensor /* (B,T,C) */ {
    x = this.attn.forward(this.ln1.forward(x), f, x); // x + attn(ln1(x)), the add in the projection's epilogue
    return this.mlp.forward(this.ln2.forward(x), f, x); // x + mlp(ln2(x)), likewise
  }
}

export class Gpt implements LanguageModel {
  readonly wte: Tensor; // (V,C)
  readonly wpe: Tensor | null; // (T,C), learned positions only
  readonly blocks: Block[];
  readonly lnF: Norm;
  readonly lmHead: Tensor | null; // (V,C) when not tied
  constructor(
    readonly params: ParamStore,
    readonly config: GptConfig,
  ) {
    const { vocab_size: V, d_model: C, context: T, init_std: std } = config;
    this.wte = params.add("wte.weight", [V, C], { normal: std }, false);
    this.wpe = config.pos === "learned" ? params.add("wpe.weight", [T, C], { normal: std }, false) : null;
    this.blocks = Array.from({ length: config.n_layer }, (_, l) => new Block(params, `h.${l}`, config));
    // µP's readout multiplier scales ln_f's output, the head's input (mup's MuReadout does the same): anything that
    // goes ln_f → head gets it. The head (or the tied wte) keeps init_std and the base lr, as µP's output weights.
    this.lnF = new Norm(params, "ln_f", C, config.norm, config.bias, mupScales(config).output);
    this.lmHead = config.tie_embeddings ? null : params.add("lm_head.weight", [V, C], { normal: std }, true);
  }

  forward(ids: Tensor /* (B,T) i32 */, f: Fwd, tap?: Tap): Tensor /* (N,V) */ {
    const [B, T] = ids.shape;
    let x = ops.embedding(ids, this.wte); // (B,T,C)
    if (this.wpe) x = addPositions(x, this.wpe, T); // + (T,C) broadcast over B
    x = dropout(x, this.config.dropout, f);
    tap?.("embed", x);
    this.blocks.forEach((block, l) => {
      x = block.forward(x, f);
      tap?.(`h.${l}`, x);
    });
    x = headRows(ops.reshape(this.lnF.forward(x), [B * T, this.config.d_model]), f.rows); // (N,C), or (M,C) with f.rows
    const logits = ops.matmul(x, this.lmHead ?? this.wte, { transB: true }); // (N,V) or (M,V)
    tap?.("logits", logits);
    return logits;
  }
}

/**
 * x + the first T rows of a learned position table: any T up to the training context (scoring and generation feed
 * shorter windows). Shared by gpt and hybrid.
 */
export function addPositions(x: Tensor /* (B,T,C) */, wpe: Tensor /* (Tmax,C) */, T: number): Tensor /* (B,T,C) */ {
  const Tmax = wpe.shape[0];
  if (T > Tmax) throw new ShapeError("positions", `a window of ${T} tokens is longer than the model's context ${Tmax}`, `feed at most ${Tmax} tokens (left-truncate the window)`);
  return ops.add(x, T === Tmax ? wpe : sliceRows(wpe, T));
}

/** The first T rows of a (Tmax, C) table, as an embedding lookup (differentiable). */
function sliceRows(table: Tensor /* (Tmax,C) */, T: number): Tensor /* (T,C) */ {
  const pos = table.device.tensor(Int32Array.from({ length: T }, (_, t) => t), [1, T]);
  return ops.reshape(ops.embedding(pos, table), [T, table.shape[1]]);
}
