// CPU reference for batched matmul with transposes, bias epilogue and accumulate; same signatures as the WebGPU
// dispatchers in matmul.ts minus the runtime. a: (batch,M,K), or (batch,K,M) with transA; b: (K,N), or (N,K) with
// transB, with a leading batch dim when d.bBatched; bias: (N) or null; out: (batch,M,N).
import type { MatmulDims, MatmulOpts } from "../../types.ts";

function at(x: Float32Array, base: number, r: number, c: number, rows: number, cols: number, trans: boolean): number {
  return trans ? x[base + c * rows + r] : x[base + r * cols + c];
}

/** out = op(a)·op(b) + bias, or out += ... when accumulate. Sums in f64. */
export function matmulForwardRef(
  out: Float32Array, a: Float32Array, b: Float32Array, bias: Float32Array | null, d: MatmulDims, o: MatmulOpts, accumulate = false,
): void {
  const { batch, M, N, K } = d;
  for (let p = 0; p < batch; p++) {
    const aBase = p * M * K;
    const bBase = d.bBatched ? p * K * N : 0;
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s = bias ? bias[j] : 0;
        for (let k = 0; k < K; k++) s += at(a, aBase, i, k, M, K, o.transA) * at(b, bBase, k, j, K, N, o.transB);
        const idx = p * M * N + i * N + j;
        out[idx] = accumulate ? out[idx] + s : s;
      }
    }
  }
}

/**
 * Gradients of out = op(a)·op(b) + bias given dout (batch,M,N): da has a's shape, db b's shape (summed over the
 * batch when b is shared), dbias (N). Each is overwritten, or accumulated into when accumulate; null skips it.
 */
export function matmulBackwardRef(
  da: Float32Array | null, db: Float32Array | null, dbias: Float32Array | null,
  dout: Float32Array, a: Float32Array, b: Float32Array, d: MatmulDims, o: MatmulOpts, accumulate = false,
): void {
  const { batch, M, N, K } = d;
  const put = (x: Float32Array, i: number, v: number) => { x[i] = accumulate ? x[i] + v : v; };
  if (da) {
    for (let p = 0; p < batch; p++) {
      const bBase = d.bBatched ? p * K * N : 0;
      for (let i = 0; i < M; i++) {
        for (let k = 0; k < K; k++) {
          let s = 0;
          for (let j = 0; j < N; j++) s += dout[p * M * N + i * N + j] * at(b, bBase, k, j, K, N, o.transB);
          put(da, p * M * K + (o.transA ? k * M + i : i * K + k), s);
        }
      }
    }
  }
  if (db) {
    const nb = d.bBatched ? batch : 1;
    for (let q = 0; q < nb; q++) {
      const [p0, p1] = d.bBatched ? [q, q + 1] : [0, batch];
      for (let k = 0; k < K; k++) {
        for (let j = 0; j < N; j++) {
          let s = 0;
          for (let p = p0; p < p1; p++) for (let i = 0; i < M; i++) s += at(a, p * M * K, i, k, M, K, o.transA) * dout[p * M * N + i * N + j];
          put(db, q * K * N + (o.transB ? j * K + k : k * N + j), s);
        }
      }
    }
  }
  if (dbias) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let r = 0; r < batch * M; r++) s += dout[r * N + j];
      put(dbias, j, s);
    }
  }
}
