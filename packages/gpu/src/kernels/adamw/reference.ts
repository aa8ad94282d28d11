// CPU reference for the fused AdamW update (decoupled weight decay, bias-corrected moments), in place.
import type { AdamWClip, AdamWParams } from "../../types.ts";

export function adamwRef(
  p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, n: number, hp: AdamWParams, clip: AdamWClip<Float32Array> | null = null,
): void {
  const bc1 = 1 - Math.pow(hp.beta1, hp.step);
  const bc2 = 1 - Math.pow(hp.beta2, hp.step);
  // Clipping as in adamw.wgsl: scale by maxNorm / (norm + 1e-6) over maxNorm; a non-finite norm skips the update.
  let s = 1;
  if (clip) {
    const norm = Math.sqrt(clip.normSq[0]);
    if (!Number.isFinite(norm)) return;
    if (norm > clip.maxNorm) s = Math.fround(clip.maxNorm / (norm + 1e-6));
  }
  for (let i = 0; i < n; i++) {
    const gi = Math.fround(g[i] * s);
    const mi = hp.beta1 * m[i] + (1 - hp.beta1) * gi;
    const vi = hp.beta2 * v[i] + (1 - hp.beta2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    const mh = mi / bc1;
    const vh = vi / bc2;
    p[i] = p[i] - hp.lr * (mh / (Math.sqrt(vh) + hp.eps) + hp.weightDecay * p[i]);
  }
}
