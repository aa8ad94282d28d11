// CPU reference for the fused AdamW update (decoupled weight decay, bias-corrected moments), in place.
import type { AdamWParams } from "../../types.ts";

export function adamwRef(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, n: number, hp: AdamWParams): void {
  const bc1 = 1 - Math.pow(hp.beta1, hp.step);
  const bc2 = 1 - Math.pow(hp.beta2, hp.step);
  for (let i = 0; i < n; i++) {
    const mi = hp.beta1 * m[i] + (1 - hp.beta1) * g[i];
    const vi = hp.beta2 * v[i] + (1 - hp.beta2) * g[i] * g[i];
    m[i] = mi;
    v[i] = vi;
    const mh = mi / bc1;
    const vh = vi / bc2;
    p[i] = p[i] - hp.lr * (mh / (Math.sqrt(vh) + hp.eps) + hp.weightDecay * p[i]);
  }
}
