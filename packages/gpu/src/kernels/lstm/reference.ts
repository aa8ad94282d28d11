// CPU references for an LSTM layer over precomputed input projections. Gate order (i, f, g, o).
// xProj: (B,T,4Hd) = x @ Wx + bias; wh: (Hd,4Hd); h0, c0: (B,Hd) or null (zeros).
// Forward saves hs (B,T,Hd) (the output), cs (B,T,Hd) and acts (B,T,4Hd) (activated gates) for BPTT.

const sig = (v: number): number => 1 / (1 + Math.exp(-v));

export interface RnnDims {
  readonly B: number;
  readonly T: number;
  /** Hidden size. */
  readonly Hd: number;
}

export function lstmForwardRef(
  hs: Float32Array, cs: Float32Array, acts: Float32Array,
  xProj: Float32Array, wh: Float32Array, h0: Float32Array | null, c0: Float32Array | null, d: RnnDims,
): void {
  const { B, T, Hd } = d;
  const G = 4 * Hd;
  const hp = new Float64Array(Hd);
  const pre = new Float64Array(G);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const row = b * T + t;
      for (let k = 0; k < Hd; k++) hp[k] = t > 0 ? hs[(row - 1) * Hd + k] : h0 ? h0[b * Hd + k] : 0;
      for (let j = 0; j < G; j++) pre[j] = xProj[row * G + j];
      for (let k = 0; k < Hd; k++) {
        const v = hp[k];
        for (let j = 0; j < G; j++) pre[j] += v * wh[k * G + j];
      }
      for (let j = 0; j < G; j++) acts[row * G + j] = j >= 2 * Hd && j < 3 * Hd ? Math.tanh(pre[j]) : sig(pre[j]);
      for (let k = 0; k < Hd; k++) {
        const a = row * G;
        const cPrev = t > 0 ? cs[(row - 1) * Hd + k] : c0 ? c0[b * Hd + k] : 0;
        const c = acts[a + Hd + k] * cPrev + acts[a + k] * acts[a + 2 * Hd + k];
        cs[row * Hd + k] = c;
        hs[row * Hd + k] = acts[a + 3 * Hd + k] * Math.tanh(c);
      }
    }
  }
}

/** dxProj (B,T,4Hd), dwh (Hd,4Hd), dh0/dc0 (B,Hd) (may be null) are overwritten. dh: (B,T,Hd) grad of hs. */
export function lstmBackwardRef(
  dxProj: Float32Array, dwh: Float32Array, dh0: Float32Array | null, dc0: Float32Array | null,
  dh: Float32Array, hs: Float32Array, cs: Float32Array, acts: Float32Array,
  wh: Float32Array, h0: Float32Array | null, c0: Float32Array | null, d: RnnDims,
): void {
  const { B, T, Hd } = d;
  const G = 4 * Hd;
  const dwAcc = new Float64Array(Hd * G);
  const dpre = new Float64Array(G);
  for (let b = 0; b < B; b++) {
    let dhNext = new Float64Array(Hd);
    let dcNext = new Float64Array(Hd);
    for (let t = T - 1; t >= 0; t--) {
      const row = b * T + t;
      const a = row * G;
      for (let k = 0; k < Hd; k++) {
        const dht = dh[row * Hd + k] + dhNext[k];
        const c = cs[row * Hd + k];
        const tc = Math.tanh(c);
        const i = acts[a + k], f = acts[a + Hd + k], g = acts[a + 2 * Hd + k], o = acts[a + 3 * Hd + k];
        const cPrev = t > 0 ? cs[(row - 1) * Hd + k] : c0 ? c0[b * Hd + k] : 0;
        const dO = dht * tc;
        const dc = dcNext[k] + dht * o * (1 - tc * tc);
        dpre[k] = dc * g * i * (1 - i);
        dpre[Hd + k] = dc * cPrev * f * (1 - f);
        dpre[2 * Hd + k] = dc * i * (1 - g * g);
        dpre[3 * Hd + k] = dO * o * (1 - o);
        dcNext[k] = dc * f;
      }
      for (let j = 0; j < G; j++) dxProj[a + j] = dpre[j];
      const nh = new Float64Array(Hd);
      for (let k = 0; k < Hd; k++) {
        const hp = t > 0 ? hs[(row - 1) * Hd + k] : h0 ? h0[b * Hd + k] : 0;
        const w = k * G;
        let s = 0;
        for (let j = 0; j < G; j++) {
          dwAcc[w + j] += hp * dpre[j];
          s += dpre[j] * wh[w + j];
        }
        nh[k] = s;
      }
      dhNext = nh;
    }
    for (let k = 0; k < Hd; k++) {
      if (dh0) dh0[b * Hd + k] = dhNext[k];
      if (dc0) dc0[b * Hd + k] = dcNext[k];
    }
    dcNext = new Float64Array(Hd);
  }
  for (let i = 0; i < Hd * G; i++) dwh[i] = dwAcc[i];
}
