// Sampling the next token of each row on the device: temperature, top-k, top-p and an inverse-CDF draw with one
// host-drawn uniform per row (kernels/sample/reference.ts defines the semantics; sampleLogits is the same on one row),
// so a decoder reads back B tokens and B log-probabilities instead of (B,V) logits. Not differentiable: nothing is
// recorded on the tape. Dimension letters: B rows, V vocab.
import { ShapeError } from "../errors.ts";
import type { Tensor } from "../tensor.ts";
import { expectDtype, expectRank, fmt, last } from "./util.ts";

/** Per-row sampling settings, each of shape (B). */
export interface SampleParams {
  /** f32 (B): softmax temperature; <= 0 is greedy (first argmax, lowest index on ties). */
  readonly temperature: Tensor;
  /** i32 (B): keep the k largest logits (ties at the k-th: lowest indices); 0 (or >= V) keeps all. */
  readonly topK: Tensor;
  /** f32 (B): keep the smallest set of largest logits reaching this probability; >= 1 keeps all. */
  readonly topP: Tensor;
  /**
   * f32 (B): one uniform in [0,1) per row, drawn on the host from the row's own seeded generator (only when its
   * temperature is > 0, as sampleLogits does), so a sequence's draws do not depend on what else is in the batch.
   */
  readonly uniform: Tensor;
}

export interface SampledRows {
  /** i32 (B): the drawn token of each row. */
  readonly tokens: Tensor;
  /** f32 (B): ln softmax(logits)[token] at temperature 1, unfiltered (the model's probability of the token). */
  readonly logprob: Tensor;
}

/** logits (B,V) -> one token per row and its log-probability; see SampleParams. */
export function sampleRows(logits: Tensor, params: SampleParams): SampledRows {
  expectDtype("sampleRows", logits, "f32");
  expectRank("sampleRows", logits, 2);
  const [B, V] = [logits.shape[0], last(logits)];
  if (V === 0) throw new ShapeError("sampleRows", `${fmt(logits)} has an empty vocabulary`, "pass logits of shape (B,V) with V >= 1");
  const { temperature, topK, topP, uniform } = params;
  for (const [t, dtype] of [[temperature, "f32"], [topK, "i32"], [topP, "f32"], [uniform, "f32"]] as const) {
    expectDtype("sampleRows", t, dtype);
    if (t.size !== B) throw new ShapeError("sampleRows", `${fmt(t)} has ${t.size} values for ${B} rows of ${fmt(logits)}`, "one value per logits row: shape (B)");
  }
  const dev = logits.device;
  const tokens = dev.empty([B], "i32", { name: "sample.tokens" });
  const logprob = dev.empty([B], "f32", { name: "sample.logprob" });
  dev.backend.sampleRows(tokens.buf, logprob.buf, logits.buf, temperature.buf, topK.buf, topP.buf, uniform.buf, B, V);
  return { tokens, logprob };
}
