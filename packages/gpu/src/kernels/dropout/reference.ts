// CPU reference for inverted dropout with a counter-based mask: keep element i when
// (hash2(seed, i) >>> 8) >= dropThreshold(p), scaled by 1/(1-p). The backward regenerates the same mask.
import { dropThreshold, hash2 } from "../../rng.ts";

export function dropoutForwardRef(out: Float32Array, x: Float32Array, n: number, p: number, seed: number): void {
  const thr = dropThreshold(p);
  const scale = Math.fround(p >= 1 ? 0 : 1 / (1 - p));
  for (let i = 0; i < n; i++) out[i] = hash2(seed, i) >>> 8 >= thr ? x[i] * scale : 0;
}

export function dropoutBackwardRef(dx: Float32Array, dout: Float32Array, n: number, p: number, seed: number): void {
  dropoutForwardRef(dx, dout, n, p, seed);
}
