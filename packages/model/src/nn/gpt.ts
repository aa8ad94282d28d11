// GPT: token (+ learned position) embedding, n_layer pre-norm blocks (attention, MLP), final norm, linear head
// (tied to the token embedding by default). GPT-2 init: N(0, init_std), residual projections init_std/sqrt(2L).
// Dimension letters: B batch, T time, C d_model, V vocab, N rows (B*T).
import { ops, ShapeError, type Tensor } from "@lathe/gpu";
import { type GptConfig, mlpHidden } from "../config.ts";
import { CausalSelfAttention } from "./attention.ts";
import { dropout, type Fwd, Norm } from "./layers.ts";
import { Mlp } from "./mlp.ts";
import type { LanguageModel } from "./model.ts";
import type { ParamStore } from "./params.ts";

class Block {
  readonly ln1: Norm;
  readonly attn: CausalSelfAttention;
  readonly ln2: Norm;
  readonly mlp: Mlp;
  constructor(ps: ParamStore, name: string, cfg: GptConfig) {
    const std = cfg.init_std;
    const residStd = std / Math.sqrt(2 * cfg.n_layer);
    this.ln1 = new Norm(ps, `${name}.ln_1`, cfg.d_model, cfg.norm, cfg.bias);
    this.attn = new CausalSelfAttention(ps, `${name}.attn`, {
      C: cfg.d_model, nHead: cfg.n_head, bias: cfg.bias, rope: cfg.pos === "rope" ? cfg.rope_base : null,
      dropout: cfg.dropout, std, residStd,
    });
    this.ln2 = new Norm(ps, `${name}.ln_2`, cfg.d_model, cfg.norm, cfg.bias);
    this.mlp = new Mlp(ps, `${name}.mlp`, {
      C: cfg.d_model, F: mlpHidden(cfg.d_model, cfg.mlp_ratio), kind: cfg.mlp, bias: cfg.bias, dropout: cfg.dropout, std, residStd,
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
    this.lnF = new Norm(params, "ln_f", C, config.norm, config.bias);
    this.lmHead = config.tie_embeddings ? null : params.add("lm_head.weight", [V, C], { normal: std }, true);
  }

  forward(ids: Tensor /* (B,T) i32 */, f: Fwd): Tensor /* (N,V) */ {
    const [B, T] = ids.shape;
    let x = ops.embedding(ids, this.wte); // (B,T,C)
    if (this.wpe) x = addPositions(x, this.wpe, T); // + (T,C) broadcast over B
    x = dropout(x, this.config.dropout, f);
    for (const block of this.blocks) x = block.forward(x, f);
    x = ops.reshape(this.lnF.forward(x), [B * T, this.config.d_model]); // (N,C)
    return ops.matmul(x, this.lmHead ?? this.wte, { transB: true }); // (N,V)
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
