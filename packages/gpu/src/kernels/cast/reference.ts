// CPU reference of f32 <-> f16 conversion, in integer arithmetic on the bits (the same algorithm as f16.wgsl):
// round to nearest, ties to even; overflow to ±inf; f16 subnormals kept; NaN stays NaN. The CPU backend stores f16
// tensors as Float32Array holding f16-representable values, rounded with roundF16 after every write.

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The f16 bit pattern nearest to x (x is first rounded to f32, as a Float32Array element would be). */
export function f16Bits(x: number): number {
  f32[0] = x;
  const b = u32[0];
  const sign = (b >>> 16) & 0x8000;
  const ex = (b >>> 23) & 0xff;
  const mant = b & 0x7fffff;
  if (ex === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 | (mant >>> 13) : 0);
  const e = ex - 112; // f16 biased exponent
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    // f16 subnormal (or zero): h = M >> shift with M the 24-bit significand; 0 when below half the smallest subnormal.
    const shift = 14 - e;
    if (shift > 24) return sign;
    const m = mant | 0x800000;
    let h = m >>> shift;
    const rem = m & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rem > half || (rem === half && (h & 1) === 1)) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (h & 1) === 1)) h++; // a carry into the exponent is right, up to inf
  return sign | h;
}

/** The value of an f16 bit pattern (exact). */
export function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const ex = (h >>> 10) & 0x1f;
  const m = h & 0x3ff;
  if (ex === 0) return s * m * 2 ** -24;
  if (ex === 31) return m === 0 ? s * Infinity : NaN;
  return s * (1024 + m) * 2 ** (ex - 25);
}

/** x rounded to the nearest f16 value (returned as a number). */
export function roundF16(x: number): number {
  return halfToFloat(f16Bits(x));
}

/** Round the first n elements of a Float32Array to f16 values in place. */
export function roundF16InPlace(a: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) a[i] = halfToFloat(f16Bits(a[i]));
}

/** Pack n values as f16 bits, padded to an even count (so the byte length is a multiple of 4). */
export function packF16(data: Float32Array): Uint16Array {
  const out = new Uint16Array(data.length + (data.length & 1));
  for (let i = 0; i < data.length; i++) out[i] = f16Bits(data[i]);
  return out;
}

/** Unpack n f16 bit patterns to f32 values. */
export function unpackF16(bits: Uint16Array, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = halfToFloat(bits[i]);
  return out;
}

/** out = x converted to `to` (CPU buffers: f16 is a Float32Array of f16 values, so f16 -> f32 is a copy). */
export function castRef(out: Float32Array, x: Float32Array, n: number, to: "f16" | "f32"): void {
  if (to === "f32") out.set(x.subarray(0, n));
  else for (let i = 0; i < n; i++) out[i] = halfToFloat(f16Bits(x[i]));
}
