// CPU reference for multi-head self-attention over packed qkv (B,T,3C) -> (B,T,C), causal or not, scale 1/sqrt(D).
// Saves lse (B,H,T), the log-sum-exp of each query's scores, for the backward (flash-attention style).
// Used until the kernels helper's src/kernels/attention/reference.ts exists.
import type { HeadDims } from "../types.ts";

export function attentionForwardRef(out: Float32Array, lse: Float32Array, qkv: Float32Array, d: HeadDims, causal: boolean): void {
  const { B, T, C, nHead } = d;
  const D = C / nHead;
  const scale = 1 / Math.sqrt(D);
  const s = new Float64Array(T);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < nHead; h++) {
      for (let t = 0; t < T; t++) {
        const q = (b * T + t) * 3 * C + h * D;
        const tEnd = causal ? t + 1 : T;
        let m = -Infinity;
        for (let u = 0; u < tEnd; u++) {
          const k = (b * T + u) * 3 * C + C + h * D;
          let dot = 0;
          for (let i = 0; i < D; i++) dot += qkv[q + i] * qkv[k + i];
          s[u] = dot * scale;
          m = Math.max(m, s[u]);
        }
        let z = 0;
        for (let u = 0; u < tEnd; u++) z += Math.exp(s[u] - m);
        const o = (b * T + t) * C + h * D;
        for (let i = 0; i < D; i++) {
          let acc = 0;
          for (let u = 0; u < tEnd; u++) acc += Math.exp(s[u] - m) * qkv[(b * T + u) * 3 * C + 2 * C + h * D + i];
          out[o + i] = acc / z;
        }
        lse[(b * nHead + h) * T + t] = m + Math.log(z);
      }
    }
  }
}

/** dqkv (B,T,3C) is overwritten. dout, out: (B,T,C); lse: (B,H,T). */
export function attentionBackwardRef(
  dqkv: Float32Array, dout: Float32Array, out: Float32Array, lse: Float32Array, qkv: Float32Array, d: HeadDims, causal: boolean,
): void {
  const { B, T, C, nHead } = d;
  const D = C / nHead;
  const scale = 1 / Math.sqrt(D);
  const acc = new Float64Array(B * T * 3 * C);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < nHead; h++) {
      for (let t = 0; t < T; t++) {
        const q = (b * T + t) * 3 * C + h * D;
        const o = (b * T + t) * C + h * D;
        let delta = 0; // sum_i dout*out
        for (let i = 0; i < D; i++) delta += dout[o + i] * out[o + i];
        const l = lse[(b * nHead + h) * T + t];
        const tEnd = causal ? t + 1 : T;
        for (let u = 0; u < tEnd; u++) {
          const k = (b * T + u) * 3 * C + C + h * D;
          const v = k + C;
          let dot = 0;
          for (let i = 0; i < D; i++) dot += qkv[q + i] * qkv[k + i];
          const p = Math.exp(dot * scale - l);
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
