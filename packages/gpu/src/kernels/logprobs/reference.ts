// CPU references for token log-probabilities over logits (N,V) with int targets (N): logp[n] = log softmax(row n)[t_n],
// greedy[n] = 1 when t_n is the row's first argmax (ties go to the lowest index, as sampleLogits' greedy pick),
// lse[n] saved for the backward. Targets outside [0,V) (padding) give logp 0, greedy 0 and a zero gradient.

/** logp (N), lse (N), greedy (N) from logits (N,V) and targets (N). */
export function tokenLogprobsForwardRef(
  logp: Float32Array, lse: Float32Array, greedy: Int32Array, logits: Float32Array, targets: Int32Array, N: number, V: number,
): void {
  for (let n = 0; n < N; n++) {
    const o = n * V;
    let m = -Infinity;
    let best = 0;
    for (let v = 0; v < V; v++) {
      if (logits[o + v] > m) {
        m = logits[o + v];
        best = v;
      }
    }
    let s = 0;
    for (let v = 0; v < V; v++) s += Math.exp(logits[o + v] - m);
    const l = m + Math.log(s);
    lse[n] = l;
    const t = targets[n];
    const valid = t >= 0 && t < V;
    logp[n] = valid ? logits[o + t] - l : 0;
    greedy[n] = valid && best === t ? 1 : 0;
  }
}

/** dlogits[n,v] = dlogp[n] * (onehot(t_n)[v] - softmax(row n)[v]); overwritten. */
export function tokenLogprobsBackwardRef(
  dlogits: Float32Array, dlogp: Float32Array, logits: Float32Array, lse: Float32Array, targets: Int32Array, N: number, V: number,
): void {
  for (let n = 0; n < N; n++) {
    const o = n * V;
    const t = targets[n];
    const valid = t >= 0 && t < V;
    for (let v = 0; v < V; v++) dlogits[o + v] = valid ? dlogp[n] * ((v === t ? 1 : 0) - Math.exp(logits[o + v] - lse[n])) : 0;
  }
}
