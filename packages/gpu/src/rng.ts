// Counter-based RNG shared by CPU references and WGSL kernels: value = lowbias32(index + lowbias32(seed)).
// Same u32 arithmetic in TypeScript (Math.imul) and WGSL, so dropout masks and randn agree bit for bit.

/** Chris Wellons' lowbias32 integer hash (u32 -> u32). */
export function lowbias32(x: number): number {
  x = x >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Hash of (seed, index) as a u32. */
export function hash2(seed: number, index: number): number {
  return lowbias32((index + lowbias32(seed)) >>> 0);
}

/** Uniform in [0,1) with 24 bits, exactly representable in f32. */
export function uniform(seed: number, index: number): number {
  return (hash2(seed, index) >>> 8) * 5.9604644775390625e-8;
}

/** Standard normal via Box-Muller from two counters (2i, 2i+1). */
export function normal(seed: number, index: number): number {
  const u1 = uniform(seed, 2 * index) + 5.9604644775390625e-8;
  const u2 = uniform(seed, 2 * index + 1);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** Integer threshold on the 24-bit draw: keep an element when (hash >>> 8) >= dropThreshold(p). */
export function dropThreshold(p: number): number {
  return Math.min(Math.floor(p * 16777216), 16777216);
}

/** Small seeded generator for host-side sampling (mulberry32). */
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
