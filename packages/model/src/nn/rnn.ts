// Recurrent language model: token embedding, n_layer stacked LSTM/GRU layers with dropout between them, linear head.
// Dimension letters: B batch, T time, E embedding size, Hd hidden, V vocab, N rows (B*T).
import { ops, type Tensor } from "@lathe/gpu";
import { describeArch } from "../arch/describe.ts";
import type { ArchSpec, RecurrentSpec } from "../arch/types.ts";
import type { RnnConfig } from "../config.ts";
import { dropout, type Fwd, headRows } from "./layers.ts";
import type { LanguageModel } from "./model.ts";
import type { ParamStore } from "./params.ts";
import { Recurrent } from "./recurrent.ts";

export class Rnn implements LanguageModel {
  readonly arch: ArchSpec;
  readonly wte: Tensor; // (V,E)
  readonly layers: Recurrent[];
  readonly lmHead: Tensor | null; // (V,Hd) when not tied
  readonly lmBias: Tensor; // (V)
  constructor(
    readonly params: ParamStore,
    readonly config: RnnConfig,
  ) {
    this.arch = describeArch(config);
    params.declare(this.arch.params);
    this.wte = params.take(this.arch.wte);
    this.layers = this.arch.blocks.map((spec) => new Recurrent(params, spec as RecurrentSpec));
    this.lmHead = this.arch.head.tied ? null : params.take(this.arch.head.weight);
    this.lmBias = params.take(this.arch.head.bias!);
  }

  forward(ids: Tensor /* (B,T) i32 */, f: Fwd): Tensor /* (N,V) */ {
    return this.head(headRows(this.hidden(ids, f), f.rows)); // (N,V), or (M,V) with f.rows
  }

  hidden(ids: Tensor /* (B,T) i32 */, f: Fwd): Tensor /* (N,Hd) */ {
    const [B, T] = ids.shape;
    let x = dropout(ops.embedding(ids, this.wte), this.config.dropout, f); // (B,T,E)
    for (const layer of this.layers) x = dropout(layer.forward(x), this.config.dropout, f); // (B,T,Hd)
    return ops.reshape(x, [B * T, this.config.hidden]);
  }

  head(h: Tensor /* (M,Hd) */): Tensor /* (M,V) */ {
    return ops.matmul(h, this.lmHead ?? this.wte, { transB: true, bias: this.lmBias });
  }

  get width(): number {
    return this.config.hidden;
  }
}
