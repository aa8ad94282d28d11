// Seeded sampling for sweep.random: a small, fast PRNG (mulberry32) and the draw for one RandomParam.
import type { RandomParam } from "./generated/recipe.ts";

/** Uniform numbers in [0, 1) from a 32-bit seed; the same seed gives the same sequence everywhere. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Six significant digits: readable overrides, and the same value on every platform's Math.exp/log. */
function tidy(x: number): number {
  return Number(x.toPrecision(6));
}

/** One value for `param` from the uniform draw `u` in [0, 1). */
export function drawParam(param: RandomParam, u: number): unknown {
  if (param.choices.length > 0) return param.choices[Math.min(param.choices.length - 1, Math.floor(u * param.choices.length))];
  if (param.int) {
    const lo = Math.ceil(param.min);
    const hi = Math.floor(param.max);
    if (!param.log) return lo + Math.min(hi - lo, Math.floor(u * (hi - lo + 1)));
    // Log-uniform over [lo, hi + 1), floored: each integer gets the mass of its slice of the log axis.
    return Math.min(hi, Math.floor(Math.exp(Math.log(lo) + u * (Math.log(hi + 1) - Math.log(lo)))));
  }
  if (param.log) return tidy(Math.exp(Math.log(param.min) + u * (Math.log(param.max) - Math.log(param.min))));
  return tidy(param.min + u * (param.max - param.min));
}
