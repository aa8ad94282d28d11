// Recurrent language model: token embedding, n_layer stacked LSTM/GRU layers with dropout between them, linear head.
// Dimension letters: B batch, T time, E embedding size, Hd hidden, V vocab, N rows (B*T).
import { ops, type Tensor } from "@lathe/gpu";
import type { RnnConfig } from "../config.ts";
import { dropout, type Fwd, headRows } from "./layers.ts";
import type { LanguageModel } from "./model.ts";
import type { ParamStore } from "./params.ts";
import { Recurrent } from "./recurrent.ts";

export class Rnn implements LanguageModel {
  readonly wte: Tensor; // (V,E)
  readonly layers: Recurrent[];
  readonly lmHead: Tensor | null; // (V,Hd) when not tied
  readonly lmBias: Tensor; // (V)
  constructor(
    readonly params: ParamStore,
    readonly config: RnnConfig,
  ) {
    const { vocab_size: V, embedding: E, hidden: Hd, init_std: std } = config;
    this.wte = params.add("wte.weight", [V, E], { normal: std }, false);
    this.layers = Array.from({ length: config.n_layer }, (_, l) => new Recurrent(params, `rnn.${l}`, config.cell, l === 0 ? E : Hd, Hd));
    this.lmHead = config.tie_embeddings ? null : params.add("lm_head.weight", [V, Hd], { normal: std }, true);
    this.lmBias = params.add("lm_head.bias", [V], "zeros", false);
  }

  forward(ids: Tensor /* (B,T) i32 */, f: Fwd): Tensor /* (N,V) */ {
    const [B, T] = ids.shape;
    let x = dropout(ops.embedding(ids, this.wte), this.config.dropout, f); // (B,T,E)
    for (const layer of this.layers) x = dropout(layer.forward(x), this.config.dropout, f); // (B,T,Hd)
    const h = headRows(ops.reshape(x, [B * T, this.config.hidden]), f.rows); // (N,Hd), or (M,Hd) with f.rows
    return ops.matmul(h, this.lmHead ?? this.wte, { transB: true, bias: this.lmBias }); // (N,V) or (M,V)
  }
}
