// CPU reference for multi-head self-attention over packed qkv, same signatures as the WebGPU dispatchers in
// attention.ts minus the runtime. qkv (B,T,3C) holds q | k | v per token, head h at columns h*D..h*D+D-1 of each;
// out (B,T,C); lse (B,H,T) the log-sum-exp of each query's scaled scores (kept for the backward). Scale 1/sqrt(D).
// Float64Array is accepted too (the finite-difference test runs the reference in f64).
import type { HeadDims } from "../../types.ts";

export type FloatArray = Float32Array | Float64Array;

/** One query row's scaled scores against keys 0..tEnd-1. */
function scores(s: Float64Array, qkv: FloatArray, d: HeadDims, b: number, h: number, t: number, tEnd: number): void {
  const { T, C, nHead } = d;
  const D = C / nHead;
  const scale = 1 / Math.sqrt(D);
  const q = (b * T + t) * 3 * C + h * D;
  for (let u = 0; u < tEnd; u++) {
    const k = (b * T + u) * 3 * C + C + h * D;
    let dot = 0;
    for (let i = 0; i < D; i++) dot += qkv[q + i] * qkv[k + i];
    s[u] = dot * scale;
  }
}

export function attentionForwardRef(out: FloatArray, lse: FloatArray, qkv: FloatArray, d: HeadDims, causal: boolean): void {
  const { B, T, C, nHead } = d;
  const D = C / nHead;
  const s = new Float64Array(T);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < nHead; h++) {
      for (let t = 0; t < T; t++) {
        const tEnd = causal ? t + 1 : T;
        scores(s, qkv, d, b, h, t, tEnd);
        let m = -Infinity;
        for (let u = 0; u < tEnd; u++) m = Math.max(m, s[u]);
        let z = 0;
        for (let u = 0; u < tEnd; u++) z += (s[u] = Math.exp(s[u] - m));
        const o = (b * T + t) * C + h * D;
        for (let i = 0; i < D; i++) {
          let acc = 0;
          for (let u = 0; u < tEnd; u++) acc += s[u] * qkv[(b * T + u) * 3 * C + 2 * C + h * D + i];
          out[o + i] = acc / z;
        }
        lse[(b * nHead + h) * T + t] = m + Math.log(z);
      }
    }
  }
}

/** dqkv (B,T,3C) is overwritten. dout, out: (B,T,C); lse: (B,H,T) from the forward. */
export function attentionBackwardRef(
  dqkv: FloatArray, dout: FloatArray, out: FloatArray, lse: FloatArray, qkv: FloatArray, d: HeadDims, causal: boolean,
): void {
  const { B, T, C, nHead } = d;
  const D = C / nHead;
  const scale = 1 / Math.sqrt(D);
  const acc = new Float64Array(B * T * 3 * C);
  const s = new Float64Array(T);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < nHead; h++) {
      for (let t = 0; t < T; t++) {
        const tEnd = causal ? t + 1 : T;
        scores(s, qkv, d, b, h, t, tEnd);
        const q = (b * T + t) * 3 * C + h * D;
        const o = (b * T + t) * C + h * D;
        let delta = 0; // dout·out = sum_u p_u (dout·v_u)
        for (let i = 0; i < D; i++) delta += dout[o + i] * out[o + i];
        const l = lse[(b * nHead + h) * T + t];
        for (let u = 0; u < tEnd; u++) {
          const k = (b * T + u) * 3 * C + C + h * D;
          const v = k + C;
          const p = Math.exp(s[u] - l);
          let dp = 0;
          for (let i = 0; i < D; i++) {
            dp += dout[o + i] * qkv[v + i];
            acc[v + i] += p * dout[o + i];
          }
          const ds = p * (dp - delta) * scale;
          for (let i = 0; i < D; i++) {
            acc[q + i] += ds * qkv[k + i];
            acc[k + i] += ds * qkv[q + i];
          }
        }
      }
    }
  }
  for (let i = 0; i < acc.length; i++) dqkv[i] = acc[i];
}
