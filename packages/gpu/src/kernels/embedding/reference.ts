// CPU references for the embedding gather (B,T) ids x (V,C) table -> (N,C) and its scatter-add backward.

/** out[n,c] = table[ids[n], c]; ids outside [0,V) give a zero row. ids: (N) i32, table: (V,C), out: (N,C). */
export function embeddingForwardRef(out: Float32Array, ids: Int32Array, table: Float32Array, N: number, V: number, C: number): void {
  for (let n = 0; n < N; n++) {
    const id = ids[n];
    const ok = id >= 0 && id < V;
    for (let c = 0; c < C; c++) out[n * C + c] = ok ? table[id * C + c] : 0;
  }
}

/** dtable[v,c] = sum over n with ids[n]==v of dout[n,c], tokens in increasing n (ids outside [0,V) skipped). dtable: (V,C), overwritten. */
export function embeddingBackwardRef(dtable: Float32Array, dout: Float32Array, ids: Int32Array, N: number, V: number, C: number): void {
  dtable.fill(0, 0, V * C);
  for (let n = 0; n < N; n++) {
    if (ids[n] < 0 || ids[n] >= V) continue;
    const row = ids[n] * C;
    for (let c = 0; c < C; c++) dtable[row + c] += dout[n * C + c];
  }
}
