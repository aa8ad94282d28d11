// GGUF v3 writer (the llama.cpp / ggml file format, gguf-py's gguf_writer.py layout): header, key/values (scalars,
// strings, arrays), tensor infos, padding to the alignment, then tensor data, each tensor padded to the alignment.
// All integers little-endian; strings are a u64 byte length then UTF-8 bytes; tensor dims are in ggml order (ne0 first).
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { GgufWriteError } from "./errors.ts";

export const GGUF_MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
export const GGUF_VERSION = 3;
export const GGUF_DEFAULT_ALIGNMENT = 32;

/** GGUF value types and their on-disk codes. */
export const VALUE_TYPE = { u8: 0, i8: 1, u16: 2, i16: 3, u32: 4, i32: 5, f32: 6, bool: 7, string: 8, array: 9, u64: 10, i64: 11, f64: 12 } as const;
export type ScalarType = Exclude<keyof typeof VALUE_TYPE, "array">;
export type Scalar = number | bigint | boolean | string;

/** One key/value: a scalar of `type`, or an array of `itemType` items. */
export type GgufKv =
  | { readonly key: string; readonly type: ScalarType; readonly value: Scalar }
  | { readonly key: string; readonly type: "array"; readonly itemType: ScalarType; readonly value: readonly Scalar[] };

/** ggml tensor types this writer emits (ggml_type codes). */
export const TENSOR_TYPE = { F32: 0, F16: 1 } as const;
export type TensorType = keyof typeof TENSOR_TYPE;

export interface GgufTensor {
  readonly name: string;
  /** ggml order: ne0 (the contiguous dimension) first, i.e. a row-major (R, C) array has dims [C, R]. */
  readonly dims: readonly number[];
  readonly type: TensorType;
  /** Raw little-endian bytes: 4 per value for F32, 2 for F16. */
  readonly data: Uint8Array;
}

/** Convenience constructors for key/values. */
export const kv = {
  u32: (key: string, value: number): GgufKv => ({ key, type: "u32", value }),
  i32: (key: string, value: number): GgufKv => ({ key, type: "i32", value }),
  f32: (key: string, value: number): GgufKv => ({ key, type: "f32", value }),
  bool: (key: string, value: boolean): GgufKv => ({ key, type: "bool", value }),
  string: (key: string, value: string): GgufKv => ({ key, type: "string", value }),
  array: (key: string, itemType: ScalarType, value: readonly Scalar[]): GgufKv => ({ key, type: "array", itemType, value }),
};

/** Growable little-endian byte buffer for the header part of the file. */
class ByteSink {
  private buf = new Uint8Array(1 << 16);
  private dv = new DataView(this.buf.buffer);
  length = 0;
  private readonly enc = new TextEncoder();

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.dv = new DataView(next.buffer);
  }
  u8(v: number): void { this.room(1); this.dv.setUint8(this.length, v); this.length += 1; }
  i8(v: number): void { this.room(1); this.dv.setInt8(this.length, v); this.length += 1; }
  u16(v: number): void { this.room(2); this.dv.setUint16(this.length, v, true); this.length += 2; }
  i16(v: number): void { this.room(2); this.dv.setInt16(this.length, v, true); this.length += 2; }
  u32(v: number): void { this.room(4); this.dv.setUint32(this.length, v, true); this.length += 4; }
  i32(v: number): void { this.room(4); this.dv.setInt32(this.length, v, true); this.length += 4; }
  f32(v: number): void { this.room(4); this.dv.setFloat32(this.length, v, true); this.length += 4; }
  f64(v: number): void { this.room(8); this.dv.setFloat64(this.length, v, true); this.length += 8; }
  u64(v: number | bigint): void { this.room(8); this.dv.setBigUint64(this.length, BigInt(v), true); this.length += 8; }
  i64(v: number | bigint): void { this.room(8); this.dv.setBigInt64(this.length, BigInt(v), true); this.length += 8; }
  bytes(b: Uint8Array): void { this.room(b.length); this.buf.set(b, this.length); this.length += b.length; }
  string(s: string): void {
    const b = this.enc.encode(s);
    this.u64(b.length);
    this.bytes(b);
  }
  pad(alignment: number): void {
    const n = (alignment - (this.length % alignment)) % alignment;
    this.room(n);
    this.buf.fill(0, this.length, this.length + n);
    this.length += n;
  }
  take(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** Inclusive ranges of the integer types written from JS numbers. */
const INT_RANGE: Partial<Record<ScalarType, [number, number]>> = {
  u8: [0, 0xff], i8: [-0x80, 0x7f], u16: [0, 0xffff], i16: [-0x8000, 0x7fff], u32: [0, 0xffffffff], i32: [-0x80000000, 0x7fffffff],
};

function writeScalar(out: ByteSink, type: ScalarType, v: Scalar, key: string): void {
  const num = (): number => {
    if (typeof v !== "number" || (!Number.isFinite(v) && type !== "f32" && type !== "f64")) throw new GgufWriteError(key, v, `is not a ${type}`, "pass a finite number");
    const range = INT_RANGE[type];
    if (range && (!Number.isInteger(v) || v < range[0] || v > range[1])) throw new GgufWriteError(key, v, `does not fit a ${type}`, `pass an integer in ${range[0]}..${range[1]}`);
    return v;
  };
  switch (type) {
    case "u8": return out.u8(num());
    case "i8": return out.i8(num());
    case "u16": return out.u16(num());
    case "i16": return out.i16(num());
    case "u32": return out.u32(num());
    case "i32": return out.i32(num());
    case "f32": return out.f32(num());
    case "f64": return out.f64(num());
    case "u64":
    case "i64":
      if (typeof v !== "number" && typeof v !== "bigint") throw new GgufWriteError(key, v, `is not a ${type}`, "pass a number or bigint");
      return type === "u64" ? out.u64(v) : out.i64(v);
    case "bool":
      if (typeof v !== "boolean") throw new GgufWriteError(key, v, "is not a bool", "pass true or false");
      return out.u8(v ? 1 : 0);
    case "string":
      if (typeof v !== "string") throw new GgufWriteError(key, v, "is not a string", "pass a string");
      return out.string(v);
  }
}

const BYTES_PER_VALUE: Record<TensorType, number> = { F32: 4, F16: 2 };

/**
 * The file's bytes as parts (header, then each tensor's data and padding), ready to write without concatenating.
 * `general.alignment` is added when the alignment is not GGUF's default 32.
 */
export function encodeGguf(kvs: readonly GgufKv[], tensors: readonly GgufTensor[], alignment = GGUF_DEFAULT_ALIGNMENT): Uint8Array[] {
  if (!Number.isInteger(alignment) || alignment < 1 || (alignment & (alignment - 1)) !== 0)
    throw new GgufWriteError("general.alignment", alignment, "is not a power of two", "use 32 (the default) or another power of two");
  const all = alignment === GGUF_DEFAULT_ALIGNMENT || kvs.some((e) => e.key === "general.alignment") ? [...kvs] : [...kvs, kv.u32("general.alignment", alignment)];
  const keys = new Set<string>();
  for (const e of all) {
    if (keys.has(e.key)) throw new GgufWriteError(e.key, e.value, "is written twice", "each key appears once in a GGUF file");
    keys.add(e.key);
  }
  const names = new Set<string>();
  const h = new ByteSink();
  h.u32(GGUF_MAGIC);
  h.u32(GGUF_VERSION);
  h.u64(tensors.length);
  h.u64(all.length);
  for (const e of all) {
    h.string(e.key);
    h.u32(VALUE_TYPE[e.type]);
    if (e.type === "array") {
      h.u32(VALUE_TYPE[e.itemType]);
      h.u64(e.value.length);
      for (const v of e.value) writeScalar(h, e.itemType, v, e.key);
    } else writeScalar(h, e.type, e.value, e.key);
  }
  let offset = 0; // relative to the start of the data section
  for (const t of tensors) {
    if (names.has(t.name)) throw new GgufWriteError(t.name, t.dims, "tensor is written twice", "tensor names are unique in a GGUF file");
    names.add(t.name);
    const count = t.dims.reduce((a, b) => a * b, 1);
    if (t.data.byteLength !== count * BYTES_PER_VALUE[t.type])
      throw new GgufWriteError(t.name, t.dims, `has ${t.data.byteLength} bytes, expected ${count * BYTES_PER_VALUE[t.type]} for ${t.type}`, "dims are in ggml order (ne0 first) and data is raw little-endian");
    h.string(t.name);
    h.u32(t.dims.length);
    for (const d of t.dims) h.u64(d);
    h.u32(TENSOR_TYPE[t.type]);
    h.u64(offset);
    offset += t.data.byteLength + ((alignment - (t.data.byteLength % alignment)) % alignment);
  }
  h.pad(alignment);
  const parts: Uint8Array[] = [h.take()];
  for (const t of tensors) {
    parts.push(t.data);
    const pad = (alignment - (t.data.byteLength % alignment)) % alignment;
    if (pad) parts.push(new Uint8Array(pad));
  }
  return parts;
}

/** Write parts to a temp file next to `path`, fsync, and rename over it; returns the bytes written. */
export function writeGgufFile(path: string, parts: readonly Uint8Array[]): number {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  let bytes = 0;
  const fd = openSync(tmp, "w");
  try {
    for (const p of parts) {
      let off = 0;
      while (off < p.byteLength) off += writeSync(fd, p, off, p.byteLength - off);
      bytes += p.byteLength;
    }
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, path);
  return bytes;
}

/** Float32 values as raw F32 bytes (a view when possible). */
export function f32Bytes(x: Float32Array): Uint8Array {
  return new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE binary16 bits of a float, rounding to nearest even (overflow gives ±Infinity, as numpy's astype(float16)). */
export function f16Bits(v: number): number {
  f32[0] = v;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // Inf / NaN
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign; // below half the smallest subnormal
    const m = mant | 0x800000;
    const shift = 14 - e;
    let half = m >>> shift;
    const rem = m & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++; // a carry into the exponent is still correct
  return sign | half;
}

/** Float32 values as raw F16 bytes. */
export function f16Bytes(x: Float32Array): Uint8Array {
  const out = new Uint16Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = f16Bits(x[i]);
  return new Uint8Array(out.buffer);
}
