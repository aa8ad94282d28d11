// Token log-probabilities: log softmax(logits)[target] per row, without bringing (N,V) logits to the host, and the
// flag "target was the argmax" from the same pass. Scoring reads both; fine-tuning (DPO, RL) differentiates logprobs.
// Dimension letters: N rows, V vocab.
import { needsGrad, record } from "../autograd.ts";
import { ShapeError } from "../errors.ts";
import type { Tensor } from "../tensor.ts";
import { expectDtype, fmt, last, node } from "./util.ts";

export interface TokenScores {
  /** (...) f32: ln p(target) per row; 0 where the target is outside [0,V) (padding). Differentiable. */
  readonly logprobs: Tensor;
  /** (...) i32: 1 where the target is the row's argmax (ties: the lowest index), else 0. */
  readonly greedy: Tensor;
}

/** logits (N,V) (or (...,V)) and i32 targets (N) -> log-probabilities and argmax flags, each of logits' leading shape. */
export function tokenScores(logits: Tensor, targets: Tensor): TokenScores {
  expectDtype("tokenLogprobs", logits, "f32");
  expectDtype("tokenLogprobs", targets, "i32");
  if (logits.shape.length < 1) throw new ShapeError("tokenLogprobs", `${fmt(logits)} is a scalar`, "pass logits of shape (N,V)");
  const V = last(logits);
  const N = V === 0 ? 0 : logits.size / V;
  if (targets.size !== N) throw new ShapeError("tokenLogprobs", `${fmt(targets)} has ${targets.size} targets for ${N} rows of ${fmt(logits)}`, "one target per logits row");
  const lead = logits.shape.slice(0, -1);
  const dev = logits.device;
  const logprobs = dev.empty(lead, "f32", { name: "logprobs" });
  const greedy = dev.empty(lead, "i32", { name: "greedy" });
  const lse = dev.empty([N], "f32", { name: "logprobs.lse" });
  dev.backend.tokenLogprobs(logprobs.buf, lse.buf, greedy.buf, logits.buf, targets.buf, N, V);
  if (!needsGrad(logits)) {
    lse.dispose();
    return { logprobs, greedy };
  }
  dev.keep(lse);
  const out = record(logprobs, node("tokenLogprobs", [logits, targets], [lse], (g) => {
    const dl = dev.empty(logits.shape);
    dev.backend.tokenLogprobsBackward(dl.buf, g.buf, logits.buf, lse.buf, targets.buf, N, V);
    return [dl, null];
  }));
  return { logprobs: out, greedy };
}

/** logits (N,V) and i32 targets (N) -> (N) ln p(target); d/dlogits = onehot(target) - softmax. */
export function tokenLogprobs(logits: Tensor, targets: Tensor): Tensor {
  const { logprobs, greedy } = tokenScores(logits, targets);
  greedy.dispose();
  return logprobs;
}
