// CPU references for a GRU layer (PyTorch form, no recurrent bias) over precomputed input projections.
// Gate order (r, z, n). xProj: (B,T,3Hd); wh: (Hd,3Hd); h0: (B,Hd) or null.
// r = σ(x_r + h Wr), z = σ(x_z + h Wz), n = tanh(x_n + r * (h Wn)), h' = (1-z) n + z h.
// Forward saves hs (B,T,Hd), acts (B,T,3Hd) = (r, z, n) and hn (B,T,Hd) = h_{t-1} Wn.
import type { RnnDims } from "../lstm/reference.ts";

const sig = (v: number): number => 1 / (1 + Math.exp(-v));

export function gruForwardRef(
  hs: Float32Array, acts: Float32Array, hn: Float32Array,
  xProj: Float32Array, wh: Float32Array, h0: Float32Array | null, d: RnnDims,
): void {
  const { B, T, Hd } = d;
  const G = 3 * Hd;
  const hr = new Float64Array(G);
  const hp = new Float64Array(Hd);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const row = b * T + t;
      for (let k = 0; k < Hd; k++) hp[k] = t > 0 ? hs[(row - 1) * Hd + k] : h0 ? h0[b * Hd + k] : 0;
      const hPrev = (k: number): number => hp[k];
      hr.fill(0);
      for (let k = 0; k < Hd; k++) {
        const v = hp[k];
        for (let j = 0; j < G; j++) hr[j] += v * wh[k * G + j];
      }
      const a = row * G;
      for (let k = 0; k < Hd; k++) {
        const r = sig(xProj[a + k] + hr[k]);
        const z = sig(xProj[a + Hd + k] + hr[Hd + k]);
        const n = Math.tanh(xProj[a + 2 * Hd + k] + r * hr[2 * Hd + k]);
        acts[a + k] = r;
        acts[a + Hd + k] = z;
        acts[a + 2 * Hd + k] = n;
        hn[row * Hd + k] = hr[2 * Hd + k];
        hs[row * Hd + k] = (1 - z) * n + z * hPrev(k);
      }
    }
  }
}

/** dxProj (B,T,3Hd), dwh (Hd,3Hd), dh0 (B,Hd) (may be null) are overwritten. dh: (B,T,Hd) grad of hs. */
export function gruBackwardRef(
  dxProj: Float32Array, dwh: Float32Array, dh0: Float32Array | null,
  dh: Float32Array, hs: Float32Array, acts: Float32Array, hn: Float32Array,
  wh: Float32Array, h0: Float32Array | null, d: RnnDims,
): void {
  const { B, T, Hd } = d;
  const G = 3 * Hd;
  const dwAcc = new Float64Array(Hd * G);
  const dhr = new Float64Array(G);
  for (let b = 0; b < B; b++) {
    let dhNext = new Float64Array(Hd);
    for (let t = T - 1; t >= 0; t--) {
      const row = b * T + t;
      const a = row * G;
      const hPrev = (k: number): number => (t > 0 ? hs[(row - 1) * Hd + k] : h0 ? h0[b * Hd + k] : 0);
      const dhp = new Float64Array(Hd);
      for (let k = 0; k < Hd; k++) {
        const dht = dh[row * Hd + k] + dhNext[k];
        const r = acts[a + k], z = acts[a + Hd + k], n = acts[a + 2 * Hd + k];
        const dn = dht * (1 - z);
        const dz = dht * (hPrev(k) - n);
        dhp[k] = dht * z;
        const dN = dn * (1 - n * n);
        const dr = dN * hn[row * Hd + k];
        const dR = dr * r * (1 - r);
        const dZ = dz * z * (1 - z);
        dxProj[a + k] = dR;
        dxProj[a + Hd + k] = dZ;
        dxProj[a + 2 * Hd + k] = dN;
        dhr[k] = dR;
        dhr[Hd + k] = dZ;
        dhr[2 * Hd + k] = dN * r;
      }
      for (let k = 0; k < Hd; k++) {
        const hp = hPrev(k);
        let s = 0;
        for (let j = 0; j < G; j++) {
          dwAcc[k * G + j] += hp * dhr[j];
          s += dhr[j] * wh[k * G + j];
        }
        dhp[k] += s;
      }
      dhNext = dhp;
    }
    if (dh0) for (let k = 0; k < Hd; k++) dh0[b * Hd + k] = dhNext[k];
  }
  for (let i = 0; i < Hd * G; i++) dwh[i] = dwAcc[i];
}
