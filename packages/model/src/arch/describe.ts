// describeArch: a resolved model config → its ArchSpec, the one place that says which blocks each architecture
// stacks, in what order, under which names, with which init. gpt: h.l = (ln_1, attn, ln_2, mlp | moe); rnn: rnn.l;
// hybrid: h.i = (ln, attn | mlp | moe | rnn + c_proj). model.moe turns every `every`-th feed-forward into experts.
// Dimension letters: V vocab, T context, C d_model, F mlp hidden, L layers, E embedding, Hd recurrent hidden.
import { type GptConfig, type HybridConfig, mlpHidden, type ModelConfig, type MoeConfig, type RnnConfig } from "../config.ts";
import { mupScales } from "../mup/rules.ts";
import { attentionBlock, type BlockDims, mlpBlock, moeBlock, normOf, recurrentBlock } from "./blocks.ts";
import type { ArchSpec, BlockSpec, ParamSpec } from "./types.ts";

export function describeArch(cfg: ModelConfig): ArchSpec {
  if (cfg.kind === "gpt") return gpt(cfg);
  if (cfg.kind === "rnn") return rnn(cfg);
  return hybrid(cfg);
}

/** Whether the n-th (0-based) feed-forward of the stack gets experts: every `every`-th one, counting from 1. */
export function isMoeSlot(moe: MoeConfig | null | undefined, n: number): boolean {
  return !!moe && (n + 1) % moe.every === 0;
}

/** The blocks of an architecture whose feed-forward is a mixture of experts. */
export function moeBlocks(a: ArchSpec): Extract<BlockSpec, { kind: "moe" }>[] {
  return a.blocks.filter((b): b is Extract<BlockSpec, { kind: "moe" }> => b.kind === "moe");
}

const embedding = (name: string, shape: number[], std: number): ParamSpec => ({ name, shape, init: { normal: std }, decay: false, lrScale: 1 });

/** The head's weight: the tied wte, or lm_head (V,W) keeping init_std and the base lr (µP's readout as well). */
function head(tied: boolean, V: number, W: number, std: number, bias: boolean): { head: ArchSpec["head"]; params: ParamSpec[] } {
  return {
    head: { weight: tied ? "wte.weight" : "lm_head.weight", bias: bias ? "lm_head.bias" : null, tied },
    params: [
      ...(tied ? [] : [{ name: "lm_head.weight", shape: [V, W], init: { normal: std }, decay: true, lrScale: 1 }]),
      ...(bias ? [{ name: "lm_head.bias", shape: [V], init: "zeros" as const, decay: false, lrScale: 1 }] : []),
    ],
  };
}

// GPT-2 init: N(0, init_std), residual projections init_std/sqrt(2L). µP (mup/rules.ts): every weight matrix of a
// block is hidden (both dims grow with width): init × hiddenInit, lr × hiddenLr; the router counts as one too.
function gpt(cfg: GptConfig): ArchSpec {
  const { vocab_size: V, d_model: C, context: T, n_layer: L, init_std: std0 } = cfg;
  const mup = mupScales(cfg);
  const std = std0 * mup.hiddenInit;
  const d: BlockDims = { C, T, bias: cfg.bias, norm: cfg.norm, dropout: cfg.dropout, std, residStd: std / Math.sqrt(2 * L), lrScale: mup.hiddenLr };
  const F = mlpHidden(C, cfg.mlp_ratio);
  const rope = cfg.pos === "rope" ? cfg.rope_base : null;
  const blocks: BlockSpec[] = [];
  for (let l = 0; l < L; l++) {
    blocks.push(attentionBlock(`h.${l}.attn`, `h.${l}.ln_1`, l, d, cfg.n_head, rope, mup.query));
    blocks.push(isMoeSlot(cfg.moe, l) ? moeBlock(`h.${l}.moe`, `h.${l}.ln_2`, l, d, F, cfg.mlp, cfg.moe!) : mlpBlock(`h.${l}.mlp`, `h.${l}.ln_2`, l, d, F, cfg.mlp));
  }
  // µP's readout multiplier scales ln_f's output, the head's input (mup's MuReadout does the same).
  const lnF = normOf("ln_f", C, cfg.norm, cfg.bias, mup.output);
  const h = head(cfg.tie_embeddings, V, C, std0, false);
  const params = [
    embedding("wte.weight", [V, C], std0),
    ...(cfg.pos === "learned" ? [embedding("wpe.weight", [T, C], std0)] : []),
    ...blocks.flatMap((b) => b.params),
    ...lnF.params,
    ...h.params,
  ];
  return {
    kind: "gpt", vocab: V, context: T, embedWidth: C, width: C, wte: "wte.weight", wpe: cfg.pos === "learned" ? "wpe.weight" : null,
    dropout: cfg.dropout, residual: true, blocks, lnF: lnF.spec, head: h.head, params,
  };
}

// Embedding and head N(0, init_std); recurrent weights uniform(±1/sqrt(Hd)); a head bias; dropout between layers.
function rnn(cfg: RnnConfig): ArchSpec {
  const { vocab_size: V, embedding: Em, hidden: Hd, context: T, init_std: std } = cfg;
  const blocks = Array.from({ length: cfg.n_layer }, (_, l) => recurrentBlock(`rnn.${l}`, l, cfg.cell, l === 0 ? Em : Hd, Hd, T, cfg.dropout, null));
  const h = head(cfg.tie_embeddings, V, Hd, std, true);
  return {
    kind: "rnn", vocab: V, context: T, embedWidth: Em, width: Hd, wte: "wte.weight", wpe: null, dropout: cfg.dropout, residual: false,
    blocks, lnF: null, head: h.head, params: [embedding("wte.weight", [V, Em], std), ...blocks.flatMap((b) => b.params), ...h.params],
  };
}

// Standard parametrization; residual projections init_std/sqrt(number of blocks).
function hybrid(cfg: HybridConfig): ArchSpec {
  const { vocab_size: V, d_model: C, context: T, init_std: std } = cfg;
  const d: BlockDims = { C, T, bias: cfg.bias, norm: cfg.norm, dropout: cfg.dropout, std, residStd: std / Math.sqrt(cfg.blocks.length), lrScale: 1 };
  const F = mlpHidden(C, cfg.mlp_ratio);
  let mlps = 0;
  const blocks: BlockSpec[] = cfg.blocks.map((kind, i) => {
    const name = `h.${i}`;
    if (kind === "attention") return attentionBlock(`${name}.attn`, `${name}.ln`, i, d, cfg.n_head, cfg.pos === "rope" ? cfg.rope_base : null, 1);
    if (kind === "mlp") return isMoeSlot(cfg.moe, mlps++) ? moeBlock(`${name}.moe`, `${name}.ln`, i, d, F, cfg.mlp, cfg.moe!) : mlpBlock(`${name}.mlp`, `${name}.ln`, i, d, F, cfg.mlp);
    return recurrentBlock(`${name}.rnn`, i, cfg.cell, C, C, T, 0, { prefix: name, normName: `${name}.ln`, d }); // no dropout on its output
  });
  const lnF = normOf("ln_f", C, cfg.norm, cfg.bias);
  const h = head(cfg.tie_embeddings, V, C, std, false);
  const params = [
    embedding("wte.weight", [V, C], std),
    ...(cfg.pos === "learned" ? [embedding("wpe.weight", [T, C], std)] : []),
    ...blocks.flatMap((b) => b.params),
    ...lnF.params,
    ...h.params,
  ];
  return {
    kind: "hybrid", vocab: V, context: T, embedWidth: C, width: C, wte: "wte.weight", wpe: cfg.pos === "learned" ? "wpe.weight" : null,
    dropout: cfg.dropout, residual: true, blocks, lnF: lnF.spec, head: h.head, params,
  };
}
