// Plain TypeScript vector math for one-token-at-a-time inference on the host (same formulas as @lathe/gpu's
// CPU references: tanh GELU, LayerNorm/RMSNorm eps inside the sqrt, half-split RoPE, LSTM (i,f,g,o), GRU (r,z,n)).
// Dimension letters: I in, O out, C channels, D head size, Hd hidden.

/** out (O) = x (I) @ W (I,O) [+ b (O)]. */
export function matvec(out: Float32Array, x: Float32Array, W: Float32Array, b: Float32Array | null, I: number, O: number): Float32Array {
  if (b) out.set(b);
  else out.fill(0);
  for (let i = 0; i < I; i++) {
    const xi = x[i];
    if (xi === 0) continue;
    const row = i * O;
    for (let o = 0; o < O; o++) out[o] += xi * W[row + o];
  }
  return out;
}

/** out (R) = W (R,C) @ x (C) [+ b]: the head against a (V,C) table. */
export function matvecT(out: Float32Array, x: Float32Array, W: Float32Array, b: Float32Array | null, R: number, C: number): Float32Array {
  for (let r = 0; r < R; r++) {
    let s = b ? b[r] : 0;
    const row = r * C;
    for (let c = 0; c < C; c++) s += W[row + c] * x[c];
    out[r] = s;
  }
  return out;
}

export function layerNorm(x: Float32Array, w: Float32Array, b: Float32Array | null, eps = 1e-5): Float32Array {
  const C = x.length;
  let m = 0;
  for (let c = 0; c < C; c++) m += x[c];
  m /= C;
  let v = 0;
  for (let c = 0; c < C; c++) v += (x[c] - m) ** 2;
  const s = 1 / Math.sqrt(v / C + eps);
  const out = new Float32Array(C);
  for (let c = 0; c < C; c++) out[c] = (x[c] - m) * s * w[c] + (b ? b[c] : 0);
  return out;
}

export function rmsNorm(x: Float32Array, w: Float32Array, eps = 1e-5): Float32Array {
  const C = x.length;
  let ss = 0;
  for (let c = 0; c < C; c++) ss += x[c] * x[c];
  const s = 1 / Math.sqrt(ss / C + eps);
  const out = new Float32Array(C);
  for (let c = 0; c < C; c++) out[c] = x[c] * s * w[c];
  return out;
}

const GELU_K = Math.sqrt(2 / Math.PI);
export const gelu = (v: number): number => 0.5 * v * (1 + Math.tanh(GELU_K * (v + 0.044715 * v * v * v)));
export const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/** Rotate pairs (i, i+D/2) of each head of q or k (C) at position t, in place. */
export function rope(x: Float32Array, offset: number, C: number, nHead: number, t: number, base: number): void {
  const D = C / nHead;
  const half = D / 2;
  for (let h = 0; h < nHead; h++) {
    const o = offset + h * D;
    for (let i = 0; i < half; i++) {
      const theta = t * Math.pow(base, (-2 * i) / D);
      const cs = Math.cos(theta);
      const sn = Math.sin(theta);
      const x1 = x[o + i];
      const x2 = x[o + i + half];
      x[o + i] = x1 * cs - x2 * sn;
      x[o + i + half] = x2 * cs + x1 * sn;
    }
  }
}

/** One LSTM step: pre (4Hd) = xProj + h Wh, updates h and c (Hd) in place. */
export function lstmStep(pre: Float32Array, h: Float32Array, c: Float32Array, Wh: Float32Array, Hd: number): void {
  const G = 4 * Hd;
  const hw = matvec(new Float32Array(G), h, Wh, null, Hd, G);
  for (let k = 0; k < Hd; k++) {
    const i = sigmoid(pre[k] + hw[k]);
    const f = sigmoid(pre[Hd + k] + hw[Hd + k]);
    const g = Math.tanh(pre[2 * Hd + k] + hw[2 * Hd + k]);
    const o = sigmoid(pre[3 * Hd + k] + hw[3 * Hd + k]);
    c[k] = f * c[k] + i * g;
    h[k] = o * Math.tanh(c[k]);
  }
}

/** One GRU step (PyTorch form, no recurrent bias): updates h (Hd) in place. */
export function gruStep(pre: Float32Array, h: Float32Array, Wh: Float32Array, Hd: number): void {
  const G = 3 * Hd;
  const hw = matvec(new Float32Array(G), h, Wh, null, Hd, G);
  for (let k = 0; k < Hd; k++) {
    const r = sigmoid(pre[k] + hw[k]);
    const z = sigmoid(pre[Hd + k] + hw[Hd + k]);
    const n = Math.tanh(pre[2 * Hd + k] + r * hw[2 * Hd + k]);
    h[k] = (1 - z) * n + z * h[k];
  }
}
