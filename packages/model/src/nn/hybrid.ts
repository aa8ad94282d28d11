// Hybrid: an ordered stack of pre-norm residual blocks of mixed type over one residual stream of width C.
// `recurrent` blocks run an LSTM/GRU of width C and project back (c_proj), so any order composes.
// Dimension letters: B batch, T time, C d_model, V vocab, N rows (B*T).
import { ops, type Tensor } from "@lathe/gpu";
import { type HybridConfig, mlpHidden } from "../config.ts";
import { CausalSelfAttention } from "./attention.ts";
import { addPositions } from "./gpt.ts";
import { dropout, type Fwd, headRows, Linear, Norm } from "./layers.ts";
import { Mlp } from "./mlp.ts";
import type { LanguageModel } from "./model.ts";
import type { ParamStore } from "./params.ts";
import { Recurrent } from "./recurrent.ts";

interface Sub {
  forward(x: Tensor, f: Fwd): Tensor;
}

class RecurrentBlock implements Sub {
  readonly rnn: Recurrent;
  readonly cProj: Linear;
  constructor(ps: ParamStore, name: string, cfg: HybridConfig, residStd: number) {
    this.rnn = new Recurrent(ps, `${name}.rnn`, cfg.cell, cfg.d_model, cfg.d_model);
    this.cProj = new Linear(ps, `${name}.c_proj`, cfg.d_model, cfg.d_model, cfg.bias, { normal: residStd });
  }
  forward(x: Tensor /* (B,T,C) */): Tensor /* (B,T,C) */ {
    return this.cProj.forward(this.rnn.forward(x));
  }
}

export class Hybrid implements LanguageModel {
  readonly wte: Tensor; // (V,C)
  readonly wpe: Tensor | null; // (T,C)
  readonly blocks: { norm: Norm; sub: Sub }[];
  readonly lnF: Norm;
  readonly lmHead: Tensor | null; // (V,C)
  constructor(
    readonly params: ParamStore,
    readonly config: HybridConfig,
  ) {
    const { vocab_size: V, d_model: C, context: T, init_std: std } = config;
    const residStd = std / Math.sqrt(config.blocks.length);
    this.wte = params.add("wte.weight", [V, C], { normal: std }, false);
    this.wpe = config.pos === "learned" ? params.add("wpe.weight", [T, C], { normal: std }, false) : null;
    this.blocks = config.blocks.map((kind, i) => {
      const name = `h.${i}`;
      const norm = new Norm(params, `${name}.ln`, C, config.norm, config.bias);
      const sub: Sub =
        kind === "attention"
          ? new CausalSelfAttention(params, `${name}.attn`, {
              C, nHead: config.n_head, bias: config.bias, rope: config.pos === "rope" ? config.rope_base : null,
              dropout: config.dropout, std, residStd,
            })
          : kind === "mlp"
            ? new Mlp(params, `${name}.mlp`, {
                C, F: mlpHidden(C, config.mlp_ratio), kind: config.mlp, bias: config.bias, dropout: config.dropout, std, residStd,
              })
            : new RecurrentBlock(params, name, config, residStd);
      return { norm, sub };
    });
    this.lnF = new Norm(params, "ln_f", C, config.norm, config.bias);
    this.lmHead = config.tie_embeddings ? null : params.add("lm_head.weight", [V, C], { normal: std }, true);
  }

  forward(ids: Tensor /* (B,T) i32 */, f: Fwd): Tensor /* (N,V) */ {
    const [B, T] = ids.shape;
    let x = ops.embedding(ids, this.wte); // (B,T,C)
    if (this.wpe) x = addPositions(x, this.wpe, T); // + (T,C) broadcast over B, any T up to the context
    x = dropout(x, this.config.dropout, f);
    for (const { norm, sub } of this.blocks) x = ops.add(x, sub.forward(norm.forward(x), f)); // (B,T,C)
    x = headRows(ops.reshape(this.lnF.forward(x), [B * T, this.config.d_model]), f.rows); // (N,C), or (M,C) with f.rows
    return ops.matmul(x, this.lmHead ?? this.wte, { transB: true }); // (N,V) or (M,V)
  }
}
