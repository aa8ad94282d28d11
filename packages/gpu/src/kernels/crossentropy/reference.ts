// CPU references for fused softmax + cross-entropy over logits (N,V) with int targets (N), an ignore index and an
// optional per-row mask (N). Loss = sum_n w_n * (lse_n - logit[n,target_n]) / max(sum_n w_n, 1),
// w_n = (target_n != ignoreIndex) * mask_n.

/** Per-row weighted losses (N), weights (N) and log-sum-exp (N). */
export function crossEntropyForwardRef(
  losses: Float32Array, weights: Float32Array, lse: Float32Array,
  logits: Float32Array, targets: Int32Array, mask: Float32Array | null, N: number, V: number, ignoreIndex: number,
): void {
  for (let n = 0; n < N; n++) {
    const o = n * V;
    let m = -Infinity;
    for (let v = 0; v < V; v++) m = Math.max(m, logits[o + v]);
    let s = 0;
    for (let v = 0; v < V; v++) s += Math.exp(logits[o + v] - m);
    const l = m + Math.log(s);
    lse[n] = l;
    const t = targets[n];
    const w = t === ignoreIndex || t < 0 || t >= V ? 0 : mask ? mask[n] : 1;
    weights[n] = w;
    losses[n] = w === 0 ? 0 : w * (l - logits[o + t]);
  }
}

/** out[0] = sum(losses) / max(sum(weights), 1); denom[0] = that denominator. Fixed row order. */
export function crossEntropyMeanRef(out: Float32Array, denom: Float32Array, losses: Float32Array, weights: Float32Array, N: number): void {
  let s = 0;
  let w = 0;
  for (let n = 0; n < N; n++) {
    s += losses[n];
    w += weights[n];
  }
  const d = Math.max(w, 1);
  denom[0] = d;
  out[0] = s / d;
}

/** dlogits[n,v] = dloss * w_n / denom * (softmax - onehot(target)). dlogits overwritten. */
export function crossEntropyBackwardRef(
  dlogits: Float32Array, dloss: Float32Array, denom: Float32Array, logits: Float32Array, lse: Float32Array,
  targets: Int32Array, weights: Float32Array, N: number, V: number,
): void {
  const g = dloss[0] / denom[0];
  for (let n = 0; n < N; n++) {
    const o = n * V;
    const w = weights[n];
    const t = targets[n];
    for (let v = 0; v < V; v++) {
      if (w === 0) {
        dlogits[o + v] = 0;
        continue;
      }
      const p = Math.exp(logits[o + v] - lse[n]);
      dlogits[o + v] = g * w * (p - (v === t ? 1 : 0));
    }
  }
}
