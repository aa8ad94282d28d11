// CPU references for RMSNorm over the last dim. x: (N,C), w: (C), rstd: (N).

/** out = x * rstd * w, rstd = 1/sqrt(mean(x^2) + eps). */
export function rmsNormForwardRef(
  out: Float32Array, rstd: Float32Array, x: Float32Array, w: Float32Array, N: number, C: number, eps: number,
): void {
  for (let n = 0; n < N; n++) {
    const o = n * C;
    let ss = 0;
    for (let c = 0; c < C; c++) ss += x[o + c] * x[o + c];
    const s = 1 / Math.sqrt(ss / C + eps);
    for (let c = 0; c < C; c++) out[o + c] = x[o + c] * s * w[c];
    rstd[n] = s;
  }
}

/** dx (N,C), dw (C) are overwritten. */
export function rmsNormBackwardRef(
  dx: Float32Array, dw: Float32Array, dout: Float32Array, x: Float32Array, w: Float32Array, rstd: Float32Array, N: number, C: number,
): void {
  const dwAcc = new Float64Array(C);
  for (let n = 0; n < N; n++) {
    const o = n * C;
    const s = rstd[n];
    let dot = 0; // sum_c dout*w*x
    for (let c = 0; c < C; c++) dot += dout[o + c] * w[c] * x[o + c];
    const k = (dot * s * s * s) / C;
    for (let c = 0; c < C; c++) {
      dwAcc[c] += dout[o + c] * x[o + c] * s;
      dx[o + c] = dout[o + c] * w[c] * s - x[o + c] * k;
    }
  }
  for (let c = 0; c < C; c++) dw[c] = dwAcc[c];
}
