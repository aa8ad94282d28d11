// CPU references for LayerNorm over the last dim (llm.c layernorm_forward/backward). x: (N,C), w,b: (C).

/** out = (x - mean) * rstd * w + b; saves mean (N) and rstd (N). */
export function layerNormForwardRef(
  out: Float32Array, mean: Float32Array, rstd: Float32Array,
  x: Float32Array, w: Float32Array, b: Float32Array, N: number, C: number, eps: number,
): void {
  for (let n = 0; n < N; n++) {
    const o = n * C;
    let m = 0;
    for (let c = 0; c < C; c++) m += x[o + c];
    m /= C;
    let v = 0;
    for (let c = 0; c < C; c++) v += (x[o + c] - m) ** 2;
    v /= C;
    const s = 1 / Math.sqrt(v + eps);
    for (let c = 0; c < C; c++) out[o + c] = (x[o + c] - m) * s * w[c] + b[c];
    mean[n] = m;
    rstd[n] = s;
  }
}

/** dx (N,C), dw (C), db (C) are overwritten. */
/** accumulate: dx += the gradient (dw and db are always overwritten). */
export function layerNormBackwardRef(
  dx: Float32Array, dw: Float32Array, db: Float32Array,
  dout: Float32Array, x: Float32Array, w: Float32Array, mean: Float32Array, rstd: Float32Array, N: number, C: number, accumulate = false,
): void {
  const dwAcc = new Float64Array(C);
  const dbAcc = new Float64Array(C);
  for (let n = 0; n < N; n++) {
    const o = n * C;
    const m = mean[n];
    const s = rstd[n];
    let dnormMean = 0;
    let dnormNormMean = 0;
    for (let c = 0; c < C; c++) {
      const norm = (x[o + c] - m) * s;
      const dnorm = w[c] * dout[o + c];
      dnormMean += dnorm;
      dnormNormMean += dnorm * norm;
    }
    dnormMean /= C;
    dnormNormMean /= C;
    for (let c = 0; c < C; c++) {
      const norm = (x[o + c] - m) * s;
      const dnorm = w[c] * dout[o + c];
      dbAcc[c] += dout[o + c];
      dwAcc[c] += norm * dout[o + c];
      const v = (dnorm - dnormMean - norm * dnormNormMean) * s;
      dx[o + c] = accumulate ? dx[o + c] + Math.fround(v) : v;
    }
  }
  for (let c = 0; c < C; c++) {
    dw[c] = dwAcc[c];
    db[c] = dbAcc[c];
  }
}
