// Fast CPU matmul for the CPU backend: transposed operands are materialized, then an i-k-j loop with one f64 row
// accumulator. Sums over k in the same order as kernels/matmul/reference.ts (bias first), so forward results equal the
// reference bit for bit; matmul.test.ts checks forward and backward against it. ~10-50x faster than the reference.
import type { MatmulDims, MatmulOpts } from "../types.ts";

/** x (rows, cols) at offset -> its transpose (cols, rows). */
function transpose(x: Float32Array, off: number, rows: number, cols: number): Float32Array {
  const t = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = x[off + r * cols + c];
  return t;
}

/** c (M,N) at cOff (=, or += when acc) bias + a (M,K) @ b (K,N), all row-major at offsets. */
function gemm(
  c: Float32Array, cOff: number, a: Float32Array, aOff: number, b: Float32Array, bOff: number,
  bias: Float32Array | null, M: number, N: number, K: number, accumulate: boolean, row: Float64Array,
): void {
  for (let i = 0; i < M; i++) {
    if (bias) for (let j = 0; j < N; j++) row[j] = bias[j];
    else row.fill(0, 0, N);
    const ai = aOff + i * K;
    for (let k = 0; k < K; k++) {
      const v = a[ai + k];
      const bk = bOff + k * N;
      for (let j = 0; j < N; j++) row[j] += v * b[bk + j];
    }
    const ci = cOff + i * N;
    if (accumulate) for (let j = 0; j < N; j++) c[ci + j] += row[j];
    else for (let j = 0; j < N; j++) c[ci + j] = row[j];
  }
}

/** op(a) of batch p as a row-major (M,K) view: [array, offset]. */
function opA(a: Float32Array, p: number, d: MatmulDims, o: MatmulOpts): [Float32Array, number] {
  return o.transA ? [transpose(a, p * d.M * d.K, d.K, d.M), 0] : [a, p * d.M * d.K];
}
function opB(b: Float32Array, p: number, d: MatmulDims, o: MatmulOpts): [Float32Array, number] {
  const off = d.bBatched ? p * d.K * d.N : 0;
  return o.transB ? [transpose(b, off, d.N, d.K), 0] : [b, off];
}

export function matmulForwardFast(out: Float32Array, a: Float32Array, b: Float32Array, bias: Float32Array | null, d: MatmulDims, o: MatmulOpts): void {
  const row = new Float64Array(d.N);
  let shared: [Float32Array, number] | null = null;
  for (let p = 0; p < d.batch; p++) {
    const [A, aOff] = opA(a, p, d, o);
    const [B, bOff] = d.bBatched ? opB(b, p, d, o) : (shared ??= opB(b, 0, d, o));
    gemm(out, p * d.M * d.N, A, aOff, B, bOff, bias, d.M, d.N, d.K, false, row);
  }
}

export function matmulBackwardFast(
  da: Float32Array | null, db: Float32Array | null, dbias: Float32Array | null,
  dout: Float32Array, a: Float32Array, b: Float32Array, d: MatmulDims, o: MatmulOpts,
): void {
  const { batch, M, N, K } = d;
  if (da) {
    const row = new Float64Array(o.transA ? M : K);
    const bt: (Float32Array | null)[] = [];
    for (let p = 0; p < batch; p++) {
      const q = d.bBatched ? p : 0;
      // op(b)ᵀ (N,K): b itself when stored (N,K), else its transpose.
      bt[q] ??= o.transB ? b.subarray(q * K * N, (q + 1) * K * N) : transpose(b, q * K * N, K, N);
      if (!o.transA) gemm(da, p * M * K, dout, p * M * N, bt[q]!, 0, null, M, K, N, false, row);
      else {
        // da stored (K,M) = op(b) (K,N) @ doutᵀ (N,M)
        const [B, bOff] = opB(b, q, d, o);
        gemm(da, p * M * K, B, bOff, transpose(dout, p * M * N, M, N), 0, null, K, M, N, false, row);
      }
    }
  }
  if (db) {
    const row = new Float64Array(o.transB ? K : N);
    if (!d.bBatched) db.fill(0, 0, K * N);
    for (let p = 0; p < batch; p++) {
      const q = d.bBatched ? p : 0;
      const [A, aOff] = opA(a, p, d, o);
      const At = transpose(A, aOff, M, K); // (K,M)
      if (!o.transB) gemm(db, q * K * N, At, 0, dout, p * M * N, null, K, N, M, !d.bBatched, row);
      else gemm(db, q * K * N, transpose(dout, p * M * N, M, N), 0, A, aOff, null, N, K, M, !d.bBatched, row);
    }
  }
  if (dbias) {
    const acc = new Float64Array(N);
    for (let r = 0; r < batch * M; r++) for (let j = 0; j < N; j++) acc[j] += dout[r * N + j];
    for (let j = 0; j < N; j++) dbias[j] = acc[j];
  }
}
