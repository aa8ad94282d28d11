// Parameter count, training FLOPs per token and a memory estimate (weights, grads, AdamW moments, activations),
// printed before training; `checkFits` refuses a run that would not fit the device, with the numbers.
// Dimension letters: B batch, T context, C d_model, H heads, F mlp hidden, V vocab, L layers, Hd recurrent hidden.
import { mlpHidden, type ModelConfig } from "./config.ts";
import { DoesNotFitError, mib } from "./errors.ts";

export interface Estimate {
  readonly params: number;
  /** Parameters excluding token/position embedding lookups (the head is counted, also when tied). */
  readonly matmulParams: number;
  /** Forward+backward FLOPs per trained token: 6 * matmulParams + attention (PaLM appendix B). */
  readonly flopsPerToken: number;
  readonly weightBytes: number; // weights + grads
  readonly optimizerBytes: number; // AdamW m and v
  readonly activationBytes: number; // per micro-batch, forward values kept for backward + their grads
  readonly largestBufferBytes: number; // biggest single tensor (logits or attention scores)
  readonly totalBytes: number;
}

interface Count {
  params: number;
  embed: number;
  attnFlops: number; // per token, fwd+bwd
  actPerToken: number; // floats kept per token (forward), summed over layers
  largestPerSeq: number; // floats of the biggest tensor per sequence, excluding logits
}

function attentionBlock(c: Count, C: number, T: number, H: number, bias: boolean): void {
  c.params += C * 3 * C + C * C + (bias ? 4 * C : 0); // qkv, proj
  c.attnFlops += 12 * T * C; // QK^T and AV, fwd (4TC) + bwd (8TC), full-T upper bound
  c.actPerToken += 2 * C + 3 * C + C + C + 2 * H + C; // norm in/out, qkv, y, proj, stats, residual
  c.largestPerSeq = Math.max(c.largestPerSeq, H * T * T);
}
function mlpBlock(c: Count, C: number, F: number, swiglu: boolean, bias: boolean): void {
  c.params += (swiglu ? 2 : 1) * C * F + F * C + (bias ? (swiglu ? 2 : 1) * F + C : 0);
  c.actPerToken += 2 * C + (swiglu ? 3 : 2) * F + C + C;
  c.largestPerSeq = Math.max(c.largestPerSeq, F);
}
function recurrentLayer(c: Count, inSize: number, Hd: number, gates: number, T: number): void {
  c.params += inSize * gates * Hd + Hd * gates * Hd + gates * Hd;
  c.actPerToken += inSize + 2 * gates * Hd + 3 * Hd; // input, pre/post gates, h, c, tanh(c)
  c.largestPerSeq = Math.max(c.largestPerSeq, T * gates * Hd);
}

export function estimate(cfg: ModelConfig, B: number): Estimate {
  const V = cfg.vocab_size;
  const T = cfg.context;
  const c: Count = { params: 0, embed: 0, attnFlops: 0, actPerToken: 0, largestPerSeq: 0 };
  let width: number;
  let tied = cfg.tie_embeddings;
  if (cfg.kind === "rnn") {
    const gates = cfg.cell === "lstm" ? 4 : 3;
    c.embed = V * cfg.embedding;
    for (let l = 0; l < cfg.n_layer; l++) recurrentLayer(c, l === 0 ? cfg.embedding : cfg.hidden, cfg.hidden, gates, T);
    c.params += V; // head bias
    width = cfg.hidden;
  } else {
    const C = cfg.d_model;
    const F = mlpHidden(C, cfg.mlp_ratio);
    c.embed = V * C + (cfg.pos === "learned" ? T * C : 0);
    const norm = cfg.norm === "layernorm" && cfg.bias ? 2 * C : C; // gain (+ bias)
    const blocks = cfg.kind === "gpt" ? Array.from({ length: cfg.n_layer }, () => ["attention", "mlp"] as const).flat() : cfg.blocks;
    for (const b of blocks) {
      c.params += norm; // each block's pre-norm
      if (b === "attention") attentionBlock(c, C, T, cfg.n_head, cfg.bias);
      else if (b === "mlp") mlpBlock(c, C, F, cfg.mlp === "swiglu", cfg.bias);
      else {
        recurrentLayer(c, C, C, cfg.kind === "hybrid" && cfg.cell === "gru" ? 3 : 4, T);
        c.params += C * C + (cfg.bias ? C : 0); // c_proj back into the residual stream
      }
    }
    c.params += norm; // final norm
    width = C;
  }
  const head = V * width;
  const params = c.params + c.embed + (tied ? 0 : head);
  const matmulParams = c.params + head;
  const flopsPerToken = 6 * matmulParams + c.attnFlops;
  const weightBytes = 8 * params;
  const optimizerBytes = 8 * params;
  const perToken = c.actPerToken + width + 3 * V; // + embeddings out, logits, probs, dlogits
  const activationBytes = 4 * 2 * B * T * perToken; // values and their gradients
  const largestBufferBytes = 4 * Math.max(B * T * V, B * c.largestPerSeq, head);
  return {
    params,
    matmulParams,
    flopsPerToken,
    weightBytes,
    optimizerBytes,
    activationBytes,
    largestBufferBytes,
    totalBytes: weightBytes + optimizerBytes + activationBytes,
  };
}

export function formatEstimate(e: Estimate, B: number, T: number): string {
  const p = e.params >= 1e6 ? `${(e.params / 1e6).toFixed(2)}M` : `${(e.params / 1e3).toFixed(1)}K`;
  return [
    `params ${p} (${e.params.toLocaleString("en-US")}), ${(e.flopsPerToken / 1e6).toFixed(2)} MFLOP/token (fwd+bwd)`,
    `memory ≈ ${mib(e.totalBytes)}: weights+grads ${mib(e.weightBytes)}, AdamW ${mib(e.optimizerBytes)}, ` +
      `activations ${mib(e.activationBytes)} at B=${B} T=${T}; largest buffer ${mib(e.largestBufferBytes)}`,
  ].join("\n");
}

export interface DeviceLimits {
  /** Biggest single storage binding (WebGPU maxStorageBufferBindingSize). */
  readonly maxBufferBytes: number;
  /** Memory the run may use in total (device memory, or host memory for CPU/lavapipe). */
  readonly memoryBytes: number;
}

/** Throws DoesNotFitError (with the estimate) when the run would exceed the limits. */
export function checkFits(e: Estimate, limits: DeviceLimits, B: number, T: number): void {
  if (e.largestBufferBytes > limits.maxBufferBytes) {
    throw new DoesNotFitError("the largest buffer", e.largestBufferBytes, limits.maxBufferBytes, formatEstimate(e, B, T));
  }
  if (e.totalBytes > limits.memoryBytes) throw new DoesNotFitError("training", e.totalBytes, limits.memoryBytes, formatEstimate(e, B, T));
}
