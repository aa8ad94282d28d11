// Shared inputs and checks for the mixture-of-experts tests: seeded data, error measures, and the devices every
// test runs on (the CPU reference backend, and WebGPU when an adapter exists).
import { getDevice } from "../../get-device.ts";
import type { Device } from "../../tensor.ts";
import { testDevice } from "../../testing.ts";

export const devices: [string, Device | null][] = [["cpu", await getDevice({ backend: "cpu" })], ["webgpu", await testDevice()]];

/** n uniform values in [-std, std) from a seeded hash. */
export function rand(n: number, seed: number, std = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s ^ (s >>> 15), 2246822519) + 374761393) >>> 0;
    out[i] = ((s / 2 ** 32) * 2 - 1) * std;
  }
  return out;
}

/** n integers in [lo, hi) from a seeded hash. */
export function randInts(n: number, seed: number, lo: number, hi: number): Int32Array {
  const u = rand(n, seed);
  return Int32Array.from(u, (v) => lo + Math.min(hi - lo - 1, Math.floor(((v + 1) / 2) * (hi - lo))));
}

/**
 * Router logits (N,E) whose values in a row are at least `gap` apart (a shuffled ladder plus a little noise), so a
 * finite-difference step below gap/2 never changes the top-k picks.
 */
export function ladderLogits(N: number, E: number, seed: number, gap = 0.3): Float32Array {
  const out = new Float32Array(N * E);
  const noise = rand(N * E, seed, gap / 8);
  const u = rand(N * E, seed + 1);
  for (let n = 0; n < N; n++) {
    const rank = Array.from({ length: E }, (_, e) => e);
    for (let e = E - 1; e > 0; e--) {
      const j = Math.floor(((u[n * E + e] + 1) / 2) * (e + 1)) % (e + 1);
      [rank[e], rank[j]] = [rank[j], rank[e]];
    }
    for (let e = 0; e < E; e++) out[n * E + e] = (rank[e] - E / 2) * gap + noise[n * E + e];
  }
  return out;
}

/** max |got - want| / (1 + |want|). */
export function maxRelErr(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let e = 0;
  for (let i = 0; i < want.length; i++) e = Math.max(e, Math.abs(got[i] - want[i]) / (1 + Math.abs(want[i])));
  return e;
}

/** Σ a·b in f64. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
