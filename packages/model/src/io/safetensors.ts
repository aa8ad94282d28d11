// safetensors read/write (https://github.com/huggingface/safetensors): u64 LE header length, JSON header, raw LE data.
// Header entries: { name: { dtype, shape, data_offsets: [begin, end] } } plus optional "__metadata__" (string map).
import { readFileSync } from "node:fs";
import { CheckpointError } from "../errors.ts";
import { writeFileAtomic } from "./atomic.ts";

export type SafeDType = "F32" | "I32" | "F16" | "BF16";
export interface NamedTensor {
  readonly data: Float32Array | Int32Array;
  readonly shape: readonly number[];
}
export type TensorMap = Map<string, NamedTensor>;

/** Serialize tensors (in the map's order) and optional string metadata into safetensors bytes. */
export function encodeSafetensors(tensors: TensorMap, metadata?: Record<string, string>): Uint8Array[] {
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of tensors) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.data.length) throw new Error(`safetensors: tensor "${name}" has shape [${t.shape}] but ${t.data.length} values`);
    const dtype: SafeDType = t.data instanceof Float32Array ? "F32" : "I32";
    header[name] = { dtype, shape: [...t.shape], data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  json += " ".repeat((8 - ((json.length + 8) % 8)) % 8); // align data start to 8 bytes
  const headerBytes = new TextEncoder().encode(json);
  const len = new Uint8Array(8);
  new DataView(len.buffer).setBigUint64(0, BigInt(headerBytes.byteLength), true);
  const parts: Uint8Array[] = [len, headerBytes];
  for (const t of tensors.values()) parts.push(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  return parts;
}

export function writeSafetensors(path: string, tensors: TensorMap, metadata?: Record<string, string>): void {
  writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}

/** Parse safetensors bytes; F16/BF16 are widened to F32. */
export function decodeSafetensors(bytes: Uint8Array, file = "<bytes>"): { tensors: TensorMap; metadata: Record<string, string> } {
  if (bytes.byteLength < 8) throw new CheckpointError(file, `file is ${bytes.byteLength} bytes, shorter than the 8-byte header length`, "the file is truncated; delete it and rerun");
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(dv.getBigUint64(0, true));
  if (8 + n > bytes.byteLength) throw new CheckpointError(file, `header length ${n} exceeds the file size ${bytes.byteLength}`, "the file is truncated or not safetensors");
  let header: Record<string, { dtype: SafeDType; shape: number[]; data_offsets: [number, number] }> & { __metadata__?: Record<string, string> };
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    throw new CheckpointError(file, "header is not valid JSON", "the file is corrupt or not safetensors", { cause: e });
  }
  const base = 8 + n;
  const tensors: TensorMap = new Map();
  for (const [name, info] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    const [b, e] = (info as { data_offsets: [number, number] }).data_offsets;
    const { dtype, shape } = info as { dtype: SafeDType; shape: number[] };
    if (base + e > bytes.byteLength) throw new CheckpointError(file, `tensor "${name}" ends at byte ${base + e}, past the end ${bytes.byteLength}`, "the file is truncated");
    // A copy (aligned, owned). Uint8Array.prototype.slice, not bytes.slice: a Node Buffer's slice is a view.
    const raw = Uint8Array.prototype.slice.call(bytes, base + b, base + e);
    const count = shape.reduce((x, y) => x * y, 1);
    let data: Float32Array | Int32Array;
    if (dtype === "F32") data = new Float32Array(raw.buffer, 0, count);
    else if (dtype === "I32") data = new Int32Array(raw.buffer, 0, count);
    else if (dtype === "F16" || dtype === "BF16") {
      const u16 = new Uint16Array(raw.buffer, 0, count);
      data = new Float32Array(count);
      for (let i = 0; i < count; i++) data[i] = dtype === "F16" ? halfToFloat(u16[i]) : bf16ToFloat(u16[i]);
    } else throw new CheckpointError(file, `tensor "${name}" has unsupported dtype ${String(dtype)}`, "Lathe reads F32, I32, F16 and BF16");
    tensors.set(name, { data, shape });
  }
  return { tensors, metadata: header.__metadata__ ?? {} };
}

export function readSafetensors(path: string): { tensors: TensorMap; metadata: Record<string, string> } {
  return decodeSafetensors(new Uint8Array(readFileSync(path)), path);
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
function bf16ToFloat(h: number): number {
  u32[0] = h << 16;
  return f32[0];
}
function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}
