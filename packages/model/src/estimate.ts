// Parameter count, training FLOPs per token and a memory estimate (weights, grads, AdamW moments, activations),
// printed before training; `checkFits` refuses a run that would not fit the device, with the numbers. Every count
// is a sum over the model's description (arch/describe.ts): its parameters' shapes and its blocks' costs. A
// mixture-of-experts model also gets the parameters a token uses (the router, top_k experts, the shared ones).
// Dimension letters: B batch, T context, C d_model, V vocab, W the width the head reads, N = B*T, k top_k.
import { describeArch, moeBlocks } from "./arch/describe.ts";
import { numel } from "./arch/blocks.ts";
import { expectedDropAtInit, type ModelConfig, moeCapacity } from "./config.ts";
import { DoesNotFitError, mib } from "./errors.ts";

export interface Estimate {
  readonly params: number;
  /** Parameters one token's forward uses: params less the experts it is not routed to (= params for dense). */
  readonly activeParams: number;
  /** Parameters excluding token/position embedding lookups (the head is counted, also when tied). */
  readonly matmulParams: number;
  /** Forward+backward FLOPs per trained token: 6 * the active matmul parameters + attention (PaLM appendix B). */
  readonly flopsPerToken: number;
  readonly weightBytes: number; // weights + grads
  readonly optimizerBytes: number; // AdamW m and v
  readonly activationBytes: number; // per micro-batch, forward values kept for backward + their grads
  readonly largestBufferBytes: number; // biggest single tensor (logits or attention scores)
  readonly totalBytes: number;
  /** Mixture of experts: its layers, and the share of assignments a uniform router would drop at init at B*T tokens. */
  readonly moe: { readonly layers: number; readonly experts: number; readonly topK: number; readonly capacity: number; readonly dropAtInit: number } | null;
}

export function estimate(cfg: ModelConfig, B: number): Estimate {
  const a = describeArch(cfg);
  const V = a.vocab;
  const T = a.context;
  const params = a.params.reduce((s, p) => s + numel(p.shape), 0);
  const embed = numel([V, a.embedWidth]) + (a.wpe ? T * a.width : 0);
  const head = V * a.width;
  const sum = (f: (c: (typeof a.blocks)[number]["cost"]) => number) => a.blocks.reduce((s, b) => s + f(b.cost), 0);
  const lnF = a.lnF ? (a.lnF.bias ? 2 : 1) * a.lnF.C : 0;
  const headBias = a.head.bias ? V : 0;
  const trunk = sum((c) => c.params) + lnF + headBias; // everything but the embeddings and the head's weight
  const inactive = trunk - sum((c) => c.activeParams) - lnF - headBias;
  const matmulParams = trunk + head;
  const flopsPerToken = 6 * (matmulParams - inactive) + sum((c) => c.extraFlops);
  const weightBytes = 8 * params;
  const optimizerBytes = 8 * params;
  const perToken = sum((c) => c.actPerToken) + a.width + 3 * V; // + embeddings out, logits, probs, dlogits
  const activationBytes = 4 * 2 * B * T * perToken; // values and their gradients
  const largestPerSeq = Math.max(0, ...a.blocks.map((b) => b.cost.largestPerSeq));
  const largestBufferBytes = 4 * Math.max(B * T * V, B * largestPerSeq, head);
  const mb = moeBlocks(a);
  const m0 = mb[0];
  const N = B * T;
  const moe = m0
    ? (() => {
        const capacity = moeCapacity(m0.capacityFactor, N, m0.topK, m0.experts);
        return { layers: mb.length, experts: m0.experts, topK: m0.topK, capacity, dropAtInit: m0.topK <= m0.experts ? expectedDropAtInit(N, m0.experts, m0.topK, capacity) : 0 };
      })()
    : null;
  return {
    params,
    activeParams: params - inactive,
    matmulParams,
    flopsPerToken,
    weightBytes,
    optimizerBytes,
    activationBytes,
    largestBufferBytes,
    totalBytes: weightBytes + optimizerBytes + activationBytes,
    moe,
  };
}

const count = (n: number): string => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : `${(n / 1e3).toFixed(1)}K`);

export function formatEstimate(e: Estimate, B: number, T: number): string {
  const lines = [
    `params ${count(e.params)} (${e.params.toLocaleString("en-US")}), ${(e.flopsPerToken / 1e6).toFixed(2)} MFLOP/token (fwd+bwd)`,
    `memory ≈ ${mib(e.totalBytes)}: weights+grads ${mib(e.weightBytes)}, AdamW ${mib(e.optimizerBytes)}, ` +
      `activations ${mib(e.activationBytes)} at B=${B} T=${T}; largest buffer ${mib(e.largestBufferBytes)}`,
  ];
  if (e.moe) {
    const m = e.moe;
    lines.splice(1, 0, `mixture of experts: ${m.layers} layer${m.layers === 1 ? "" : "s"} of ${m.experts} experts, top ${m.topK}; active params ${count(e.activeParams)} (${e.activeParams.toLocaleString("en-US")}) per token; capacity ${m.capacity} per expert at B*T=${B * T}`);
    if (m.dropAtInit > 0.5) lines.push(`warning: at init about ${(100 * m.dropAtInit).toFixed(0)}% of the ${B * T * m.topK} token-expert assignments of a batch would be dropped (${m.experts} experts x ${m.capacity} slots); raise model.moe.capacity_factor to at least 1`);
  }
  return lines.join("\n");
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
