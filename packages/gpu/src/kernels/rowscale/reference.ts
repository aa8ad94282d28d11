// CPU references for row scaling of x (N,D) by s (N): out[n,d] = s[n] * x[n,d], and its backward
// dx[n,d] = s[n] * dout[n,d], ds[n] = sum_d dout[n,d] * x[n,d]. Dimension letters: N rows, D row length.

/** out (N,D) = s[n] * x[n,:]. */
export function rowScaleForwardRef(out: Float32Array, x: Float32Array, s: Float32Array, N: number, D: number): void {
  for (let n = 0; n < N; n++) for (let d = 0; d < D; d++) out[n * D + d] = s[n] * x[n * D + d];
}

/** dx (N,D) and ds (N), each overwritten when given (null: that input needs no gradient). */
export function rowScaleBackwardRef(dx: Float32Array | null, ds: Float32Array | null, dout: Float32Array, x: Float32Array, s: Float32Array, N: number, D: number): void {
  if (dx) rowScaleForwardRef(dx, dout, s, N, D);
  if (!ds) return;
  for (let n = 0; n < N; n++) {
    let a = 0;
    for (let d = 0; d < D; d++) a += dout[n * D + d] * x[n * D + d];
    ds[n] = a;
  }
}
