// Host-side sampling from a logits row (V): temperature, top-k, top-p (nucleus). The draw uses the given rng.

export interface SampleOptions {
  /** Softmax temperature; 0 means greedy argmax. @default 1 */
  readonly temperature: number;
  /** Keep the k most likely tokens; 0 keeps all. @default 0 */
  readonly topK: number;
  /** Keep the smallest set with cumulative probability >= topP; 1 keeps all. @default 1 */
  readonly topP: number;
}

export function sampleLogitsRef(logits: Float32Array, opts: SampleOptions, rng: () => number): number {
  const V = logits.length;
  if (opts.temperature <= 0) {
    let best = 0;
    for (let v = 1; v < V; v++) if (logits[v] > logits[best]) best = v;
    return best;
  }
  const idx = Array.from({ length: V }, (_, i) => i);
  idx.sort((a, b) => logits[b] - logits[a] || a - b);
  const k = opts.topK > 0 ? Math.min(opts.topK, V) : V;
  const m = logits[idx[0]];
  const probs: number[] = [];
  let total = 0;
  for (let i = 0; i < k; i++) {
    const p = Math.exp((logits[idx[i]] - m) / opts.temperature);
    probs.push(p);
    total += p;
  }
  let keep = k;
  if (opts.topP < 1) {
    let cum = 0;
    for (let i = 0; i < k; i++) {
      cum += probs[i] / total;
      if (cum >= opts.topP) {
        keep = i + 1;
        break;
      }
    }
  }
  let kept = 0;
  for (let i = 0; i < keep; i++) kept += probs[i];
  let r = rng() * kept;
  for (let i = 0; i < keep; i++) {
    r -= probs[i];
    if (r < 0) return idx[i];
  }
  return idx[keep - 1];
}
