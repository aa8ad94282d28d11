// CPU references for softmax over the last dim. x, out: (N,C).

export function softmaxForwardRef(out: Float32Array, x: Float32Array, N: number, C: number): void {
  for (let n = 0; n < N; n++) {
    const o = n * C;
    let m = -Infinity;
    for (let c = 0; c < C; c++) m = Math.max(m, x[o + c]);
    let s = 0;
    for (let c = 0; c < C; c++) s += Math.exp(x[o + c] - m);
    for (let c = 0; c < C; c++) out[o + c] = Math.exp(x[o + c] - m) / s;
  }
}

/** dx = y * (dout - sum(dout*y)). */
export function softmaxBackwardRef(dx: Float32Array, dout: Float32Array, y: Float32Array, N: number, C: number): void {
  for (let n = 0; n < N; n++) {
    const o = n * C;
    let dot = 0;
    for (let c = 0; c < C; c++) dot += dout[o + c] * y[o + c];
    for (let c = 0; c < C; c++) dx[o + c] = y[o + c] * (dout[o + c] - dot);
  }
}
