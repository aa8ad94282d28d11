// Log-probabilities of a SeqBatch's targets under a language model, and the SFT loss on them. With the batch's
// ResponseRows only the M response positions go through the head (Fwd.rows): M·W·V instead of N·W·V.
// Dimension letters: B sequences, T positions, N = B·T, M response positions, W hidden width, V vocab.
import { ops, type Tensor } from "@lathe/gpu";
import type { Fwd } from "../../nn/layers.ts";
import type { LanguageModel } from "../../nn/model.ts";
import type { SeqBatch } from "./batch.ts";
import { rowSums } from "./compose.ts";

/** model.forward with the head on `rows` only (or on all rows); f's dropout site counter advances as if f were used. */
function logitsAt(model: LanguageModel, ids: Tensor /* (B,T) */, f: Fwd, rows: Tensor | undefined): Tensor /* (M,V) or (N,V) */ {
  const g: Fwd = { train: f.train, seed: f.seed, site: f.site, rows };
  const logits = model.forward(ids, g);
  f.site = g.site;
  return logits;
}

/** (B,T): log p of each target, 0 where the mask is 0. Differentiable through the model. */
export function tokenLogprobsOf(model: LanguageModel, b: SeqBatch, f: Fwd): Tensor /* (B,T) */ {
  const [B, T] = b.ids.shape;
  const N = B * T;
  const r = b.response;
  if (!r) {
    const lp = ops.tokenLogprobs(logitsAt(model, b.ids, f, undefined), ops.reshape(b.targets, [N])); // (N)
    return ops.reshape(ops.mul(lp, ops.reshape(b.mask, [N])), [B, T]);
  }
  const M = r.rows.shape[0];
  const lp = ops.tokenLogprobs(logitsAt(model, b.ids, f, r.rows), r.targets); // (M)
  const back = ops.embedding(r.slot, ops.reshape(lp, [M, 1])); // (N,1): lp[slot[n]], scatter-add backward
  return ops.reshape(ops.mul(back, ops.reshape(b.mask, [N, 1])), [B, T]); // zero the positions slot sent to row 0
}

/** (B): each sequence's sum of log p over its masked targets (DPO's sequence log-likelihood). Differentiable. */
export function sequenceLogprobs(model: LanguageModel, b: SeqBatch, f: Fwd): Tensor /* (B) */ {
  return rowSums(tokenLogprobsOf(model, b, f));
}

/** (): mean over every masked target of the batch of −log p (token-weighted, as pretraining's loss). */
export function sftLoss(model: LanguageModel, b: SeqBatch, f: Fwd): Tensor /* () */ {
  const r = b.response;
  if (r) return ops.crossEntropy(logitsAt(model, b.ids, f, r.rows), r.targets);
  const N = b.ids.size;
  return ops.crossEntropy(logitsAt(model, b.ids, f, undefined), ops.reshape(b.targets, [N]), { mask: ops.reshape(b.mask, [N]) });
}
