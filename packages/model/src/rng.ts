// Host-side deterministic randomness: counter-based normals for weight init (each parameter draws from its own
// stream, so adding a layer does not change the others) and a small serializable generator for data order/sampling.

function lowbias32(x: number): number {
  x = x >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Deterministic 32-bit hash of a string (FNV-1a then lowbias32), to derive per-tensor streams from names. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return lowbias32(h);
}

/** Uniform in (0,1) from (stream, index). */
function uniform(stream: number, index: number): number {
  return ((lowbias32((index + lowbias32(stream)) >>> 0) >>> 8) + 0.5) / 16777216;
}

/** n standard normals * std from the stream (Box-Muller over counter pairs). */
export function normalArray(n: number, std: number, stream: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u1 = uniform(stream, 2 * i);
    const u2 = uniform(stream, 2 * i + 1);
    out[i] = std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
  return out;
}

/** n uniforms in [-a, a) from the stream. */
export function uniformArray(n: number, a: number, stream: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = a * (2 * uniform(stream, i) - 1);
  return out;
}

/** mulberry32 with its state exposed, so a checkpoint can save and restore it exactly. */
export class Rng {
  constructor(public state: number) {
    this.state = state >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** A fresh u32 (for per-step dropout seeds). */
  u32(): number {
    return Math.floor(this.next() * 4294967296) >>> 0;
  }
}
