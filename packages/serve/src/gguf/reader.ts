// A small GGUF reader (v2/v3): header, key/values and tensor infos, plus F32/F16 tensor data widened to Float32.
// Enough to check what exportGguf wrote; llama.cpp itself is the real consumer.
import { readFileSync } from "node:fs";
import { GgufFormatError } from "./errors.ts";
import { GGUF_DEFAULT_ALIGNMENT, GGUF_MAGIC, TENSOR_TYPE, VALUE_TYPE, type Scalar, type ScalarType, type TensorType } from "./writer.ts";

export interface GgufTensorInfo {
  readonly name: string;
  /** ggml order (ne0 first). */
  readonly dims: readonly number[];
  readonly type: TensorType | `ggml type ${number}`;
  /** Absolute byte offset of the data in the file. */
  readonly offset: number;
}

export interface GgufFile {
  readonly version: number;
  /** Values in file order; arrays as JS arrays, u64/i64 as bigint. */
  readonly kv: Map<string, Scalar | Scalar[]>;
  /** Value type of each key ("array:string" for arrays). */
  readonly types: Map<string, string>;
  readonly tensors: GgufTensorInfo[];
  readonly alignment: number;
  readonly dataOffset: number;
  readonly bytes: Uint8Array;
}

const TYPE_NAME = new Map<number, ScalarType | "array">(Object.entries(VALUE_TYPE).map(([k, v]) => [v, k as ScalarType | "array"]));
const TENSOR_NAME = new Map<number, TensorType>(Object.entries(TENSOR_TYPE).map(([k, v]) => [v, k as TensorType]));

export function readGguf(file: string): GgufFile {
  return decodeGguf(new Uint8Array(readFileSync(file)), file);
}

export function decodeGguf(bytes: Uint8Array, file = "<bytes>"): GgufFile {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dec = new TextDecoder("utf-8", { fatal: true });
  let p = 0;
  const need = (n: number, what: string) => {
    if (p + n > bytes.byteLength) throw new GgufFormatError(file, p, `${what} runs past the end of the file (${bytes.byteLength} bytes)`, "the file is truncated");
  };
  const u32 = () => (need(4, "a u32"), (p += 4), dv.getUint32(p - 4, true));
  const u64 = () => (need(8, "a u64"), (p += 8), dv.getBigUint64(p - 8, true));
  const len = (what: string) => {
    const n = u64();
    if (n > BigInt(bytes.byteLength)) throw new GgufFormatError(file, p - 8, `${what} length ${n} is larger than the file`, "the file is corrupt");
    return Number(n);
  };
  const str = () => {
    const n = len("a string");
    need(n, "a string");
    p += n;
    return dec.decode(bytes.subarray(p - n, p));
  };
  const scalar = (t: ScalarType): Scalar => {
    const sizes: Record<ScalarType, number> = { u8: 1, i8: 1, u16: 2, i16: 2, u32: 4, i32: 4, f32: 4, bool: 1, string: 0, u64: 8, i64: 8, f64: 8 };
    if (t === "string") return str();
    need(sizes[t], `a ${t}`);
    const at = p;
    p += sizes[t];
    switch (t) {
      case "u8": return dv.getUint8(at);
      case "i8": return dv.getInt8(at);
      case "u16": return dv.getUint16(at, true);
      case "i16": return dv.getInt16(at, true);
      case "u32": return dv.getUint32(at, true);
      case "i32": return dv.getInt32(at, true);
      case "f32": return dv.getFloat32(at, true);
      case "f64": return dv.getFloat64(at, true);
      case "u64": return dv.getBigUint64(at, true);
      case "i64": return dv.getBigInt64(at, true);
      case "bool": return dv.getUint8(at) !== 0;
    }
  };
  const typeAt = (what: string): ScalarType | "array" => {
    const code = u32();
    const t = TYPE_NAME.get(code);
    if (t === undefined) throw new GgufFormatError(file, p - 4, `${what} has unknown value type ${code}`, "the file is corrupt or from a newer GGUF version");
    return t;
  };

  if (u32() !== GGUF_MAGIC) throw new GgufFormatError(file, 0, "does not start with the magic \"GGUF\"", "is this a GGUF file?");
  const version = u32();
  if (version !== 2 && version !== 3) throw new GgufFormatError(file, 4, `has version ${version}`, "this reader reads GGUF v2 and v3");
  const nTensors = Number(u64());
  const nKv = Number(u64());
  const kv = new Map<string, Scalar | Scalar[]>();
  const types = new Map<string, string>();
  for (let i = 0; i < nKv; i++) {
    const key = str();
    const t = typeAt(`key "${key}"`);
    if (t === "array") {
      const it = typeAt(`array "${key}"`);
      if (it === "array") throw new GgufFormatError(file, p - 4, `array "${key}" holds arrays`, "nested arrays are not read here");
      const n = len(`array "${key}"`);
      const items: Scalar[] = new Array(n);
      for (let j = 0; j < n; j++) items[j] = scalar(it);
      kv.set(key, items);
      types.set(key, `array:${it}`);
    } else {
      kv.set(key, scalar(t));
      types.set(key, t);
    }
  }
  const alignment = typeof kv.get("general.alignment") === "number" ? (kv.get("general.alignment") as number) : GGUF_DEFAULT_ALIGNMENT;
  const rel: { name: string; dims: number[]; type: GgufTensorInfo["type"]; offset: number }[] = [];
  for (let i = 0; i < nTensors; i++) {
    const name = str();
    const nd = u32();
    const dims: number[] = [];
    for (let d = 0; d < nd; d++) dims.push(Number(u64()));
    const code = u32();
    const offset = Number(u64());
    if (offset % alignment !== 0) throw new GgufFormatError(file, p - 8, `tensor "${name}" offset ${offset} is not a multiple of the alignment ${alignment}`, "the file is corrupt");
    rel.push({ name, dims, type: TENSOR_NAME.get(code) ?? `ggml type ${code}`, offset });
  }
  const dataOffset = Math.ceil(p / alignment) * alignment;
  const tensors = rel.map((t) => ({ ...t, offset: dataOffset + t.offset }));
  return { version, kv, types, tensors, alignment, dataOffset, bytes };
}

/** A tensor's values (F32 or F16, widened), in the file's row-major order. */
export function tensorValues(f: GgufFile, name: string): Float32Array {
  const t = f.tensors.find((x) => x.name === name);
  if (!t) throw new GgufFormatError("<gguf>", 0, `has no tensor "${name}"`, `tensors: ${f.tensors.map((x) => x.name).join(", ")}`);
  const n = t.dims.reduce((a, b) => a * b, 1);
  const dv = new DataView(f.bytes.buffer, f.bytes.byteOffset + t.offset, n * (t.type === "F32" ? 4 : 2));
  const out = new Float32Array(n);
  if (t.type === "F32") for (let i = 0; i < n; i++) out[i] = dv.getFloat32(4 * i, true);
  else if (t.type === "F16") for (let i = 0; i < n; i++) out[i] = halfToFloat(dv.getUint16(2 * i, true));
  else throw new GgufFormatError("<gguf>", t.offset, `tensor "${name}" has ${t.type}`, "this reader widens F32 and F16 only");
  return out;
}

export function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}
