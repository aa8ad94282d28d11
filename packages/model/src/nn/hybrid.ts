// Hybrid: an ordered stack of pre-norm residual blocks of mixed type over one residual stream of width C.
// `recurrent` blocks run an LSTM/GRU of width C and project back (c_proj), so any order composes; with model.moe,
// every `every`-th mlp block is a mixture of experts. Parameters and settings come from arch/describe.ts.
// Dimension letters: B batch, T time, C d_model, V vocab, N rows (B*T).
import { ops, type Tensor } from "@lathe/gpu";
import { describeArch } from "../arch/describe.ts";
import type { ArchSpec, RecurrentSpec } from "../arch/types.ts";
import type { HybridConfig } from "../config.ts";
import { CausalSelfAttention } from "./attention.ts";
import { addPositions, feedForward } from "./gpt.ts";
import { dropout, type Fwd, headRows, Linear, Norm } from "./layers.ts";
import type { LanguageModel } from "./model.ts";
import { MoeMlp } from "./moe.ts";
import type { ParamStore } from "./params.ts";
import { Recurrent } from "./recurrent.ts";

interface Sub {
  forward(x: Tensor, f: Fwd): Tensor;
}

class RecurrentBlock implements Sub {
  readonly rnn: Recurrent;
  readonly cProj: Linear;
  constructor(ps: ParamStore, spec: RecurrentSpec) {
    this.rnn = new Recurrent(ps, spec);
    this.cProj = new Linear(ps, spec.proj!);
  }
  forward(x: Tensor /* (B,T,C) */): Tensor /* (B,T,C) */ {
    return this.cProj.forward(this.rnn.forward(x));
  }
}

export class Hybrid implements LanguageModel {
  readonly arch: ArchSpec;
  readonly wte: Tensor; // (V,C)
  readonly wpe: Tensor | null; // (T,C)
  readonly blocks: { norm: Norm; sub: Sub }[];
  readonly lnF: Norm;
  readonly lmHead: Tensor | null; // (V,C)
  readonly moe: MoeMlp[];
  constructor(
    readonly params: ParamStore,
    readonly config: HybridConfig,
  ) {
    this.arch = describeArch(config);
    params.declare(this.arch.params);
    this.wte = params.take(this.arch.wte);
    this.wpe = params.maybe(this.arch.wpe);
    this.blocks = this.arch.blocks.map((spec) => {
      const norm = new Norm(params, spec.norm!);
      const sub: Sub = spec.kind === "attention" ? new CausalSelfAttention(params, spec) : spec.kind === "recurrent" ? new RecurrentBlock(params, spec) : feedForward(params, spec);
      return { norm, sub };
    });
    this.lnF = new Norm(params, this.arch.lnF!);
    this.lmHead = this.arch.head.tied ? null : params.take(this.arch.head.weight);
    this.moe = this.blocks.flatMap(({ sub }) => (sub instanceof MoeMlp ? [sub] : []));
  }

  forward(ids: Tensor /* (B,T) i32 */, f: Fwd): Tensor /* (N,V) */ {
    return this.head(headRows(this.hidden(ids, f), f.rows)); // (N,V), or (M,V) with f.rows
  }

  hidden(ids: Tensor /* (B,T) i32 */, f: Fwd): Tensor /* (N,C) */ {
    const [B, T] = ids.shape;
    let x = ops.embedding(ids, this.wte); // (B,T,C)
    if (this.wpe) x = addPositions(x, this.wpe, T); // + (T,C) broadcast over B, any T up to the context
    x = dropout(x, this.config.dropout, f);
    for (const { norm, sub } of this.blocks) x = ops.add(x, sub.forward(norm.forward(x), f)); // (B,T,C)
    return ops.reshape(this.lnF.forward(x), [B * T, this.config.d_model]);
  }

  head(h: Tensor /* (M,C) */): Tensor /* (M,V) */ {
    return ops.matmul(h, this.lmHead ?? this.wte, { transB: true });
  }

  get width(): number {
    return this.config.d_model;
  }
}
