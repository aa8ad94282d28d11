// CPU references for rotary position embedding over packed qkv (B,T,3C): rotates q and k per head with the
// half-split convention (pairs i and i+D/2, as GPT-NeoX / LLaMA-HF), position = t; v is copied unchanged.
import type { HeadDims } from "../../types.ts";

function rotate(out: Float32Array, x: Float32Array, d: HeadDims, base: number, sign: number): void {
  const { B, T, C, nHead } = d;
  const D = C / nHead;
  const half = D / 2;
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const row = (b * T + t) * 3 * C;
      for (let part = 0; part < 2; part++) {
        for (let h = 0; h < nHead; h++) {
          const o = row + part * C + h * D;
          for (let i = 0; i < half; i++) {
            const theta = t * Math.pow(base, (-2 * i) / D);
            const cs = Math.cos(theta);
            const sn = sign * Math.sin(theta);
            const x1 = x[o + i];
            const x2 = x[o + i + half];
            out[o + i] = x1 * cs - x2 * sn;
            out[o + i + half] = x2 * cs + x1 * sn;
          }
        }
      }
      for (let c = 0; c < C; c++) out[row + 2 * C + c] = x[row + 2 * C + c];
    }
  }
}

export function ropeForwardRef(out: Float32Array, qkv: Float32Array, d: HeadDims, base: number): void {
  rotate(out, qkv, d, base, 1);
}

/** The rotation is orthogonal: the backward is the inverse rotation of dout. */
export function ropeBackwardRef(dqkv: Float32Array, dout: Float32Array, d: HeadDims, base: number): void {
  rotate(dqkv, dout, d, base, -1);
}
