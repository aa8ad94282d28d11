// GPT: token (+ learned position) embedding, n_layer pre-norm blocks (attention, then an MLP or, with model.moe, a
// mixture of experts), final norm, linear head (tied to the token embedding by default). The parameters, their init
// (GPT-2's, or µP's multipliers: mup/rules.ts) and the blocks' settings come from the description (arch/describe.ts).
// Dimension letters: B batch, T time, C d_model, V vocab, N rows (B*T).
import { ops, ShapeError, type Tensor } from "@lathe/gpu";
import type { ArchSpec, AttentionSpec, BlockSpec } from "../arch/types.ts";
import { describeArch } from "../arch/describe.ts";
import type { GptConfig } from "../config.ts";
import { CausalSelfAttention } from "./attention.ts";
import { dropout, type Fwd, headRows, Norm } from "./layers.ts";
import { type FeedForward, Mlp } from "./mlp.ts";
import type { LanguageModel } from "./model.ts";
import { MoeMlp } from "./moe.ts";
import type { ParamStore } from "./params.ts";

/** Sees the activations of a forward by name (embed, h.0 … h.L-1, logits): the µP coordinate check reads them. */
export type Tap = (name: string, x: Tensor) => void;

/** A transformer block's feed-forward from its description: dense, or a mixture of experts. */
export function feedForward(ps: ParamStore, spec: BlockSpec): FeedForward {
  if (spec.kind === "mlp") return new Mlp(ps, spec);
  if (spec.kind === "moe") return new MoeMlp(ps, spec);
  throw new Error(`block ${spec.name} is ${spec.kind}, not a feed-forward`);
}

class Block {
  readonly ln1: Norm;
  readonly attn: CausalSelfAttention;
  readonly ln2: Norm;
  readonly mlp: FeedForward;
  constructor(ps: ParamStore, attn: AttentionSpec, ffn: BlockSpec) {
    this.ln1 = new Norm(ps, attn.norm!);
    this.attn = new CausalSelfAttention(ps, attn);
    this.ln2 = new Norm(ps, ffn.norm!);
    this.mlp = feedForward(ps, ffn);
  }
  forward(x: Tensor /* (B,T,C) */, f: Fwd): Tensor /* (B,T,C) */ {
    x = this.attn.forward(this.ln1.forward(x), f, x); // x + attn(ln1(x)), the add in the projection's epilogue
    return this.mlp.forward(this.ln2.forward(x), f, x); // x + mlp(ln2(x)), likewise
  }
}

export class Gpt implements LanguageModel {
  readonly arch: ArchSpec;
  readonly wte: Tensor; // (V,C)
  readonly wpe: Tensor | null; // (T,C), learned positions only
  readonly blocks: Block[];
  readonly lnF: Norm;
  readonly lmHead: Tensor | null; // (V,C) when not tied
  readonly moe: MoeMlp[];
  constructor(
    readonly params: ParamStore,
    readonly config: GptConfig,
  ) {
    this.arch = describeArch(config);
    params.declare(this.arch.params);
    this.wte = params.take(this.arch.wte);
    this.wpe = params.maybe(this.arch.wpe);
    const b = this.arch.blocks;
    this.blocks = Array.from({ length: config.n_layer }, (_, l) => new Block(params, b[2 * l] as AttentionSpec, b[2 * l + 1]!));
    // µP's readout multiplier is ln_f's outScale: anything that goes ln_f → head gets it.
    this.lnF = new Norm(params, this.arch.lnF!);
    this.lmHead = this.arch.head.tied ? null : params.take(this.arch.head.weight);
    this.moe = this.blocks.flatMap((blk) => (blk.mlp instanceof MoeMlp ? [blk.mlp] : []));
  }

  forward(ids: Tensor /* (B,T) i32 */, f: Fwd, tap?: Tap): Tensor /* (N,V) */ {
    const logits = this.head(headRows(this.hidden(ids, f, tap), f.rows)); // (N,V), or (M,V) with f.rows
    tap?.("logits", logits);
    return logits;
  }

  /** The final norm's output at every position, the input of the head (and of a reward model's scalar head). */
  hidden(ids: Tensor /* (B,T) i32 */, f: Fwd, tap?: Tap): Tensor /* (N,C) */ {
    const [B, T] = ids.shape;
    let x = ops.embedding(ids, this.wte); // (B,T,C)
    if (this.wpe) x = addPositions(x, this.wpe, T); // + (T,C) broadcast over B
    x = dropout(x, this.config.dropout, f);
    tap?.("embed", x);
    this.blocks.forEach((block, l) => {
      x = block.forward(x, f);
      tap?.(`h.${l}`, x);
    });
    return ops.reshape(this.lnF.forward(x), [B * T, this.config.d_model]);
  }

  head(h: Tensor /* (M,C) */): Tensor /* (M,V) */ {
    return ops.matmul(h, this.lmHead ?? this.wte, { transB: true });
  }

  get width(): number {
    return this.config.d_model;
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
