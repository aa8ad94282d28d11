// safetensors round trip and the byte layout other readers rely on (u64 LE header length, 8-byte aligned data).
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CheckpointError } from "../errors.ts";
import { decodeSafetensors, encodeSafetensors, readSafetensors, writeSafetensors, type TensorMap } from "./safetensors.ts";

const concat = (parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.byteLength, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.byteLength;
  }
  return out;
};

describe("safetensors", () => {
  test("round-trips f32 and i32 tensors with metadata through a file", () => {
    const m: TensorMap = new Map([
      ["a.weight", { data: Float32Array.from([1.5, -2, 3.25, 0, 1e-8, 7]), shape: [2, 3] }],
      ["b", { data: Int32Array.from([5, -6, 7]), shape: [3] }],
      ["scalar", { data: Float32Array.from([42]), shape: [] }],
    ]);
    const f = join(mkdtempSync(join(tmpdir(), "st-")), "x.safetensors");
    writeSafetensors(f, m, { format: "pt" });
    const back = readSafetensors(f);
    expect(back.metadata).toEqual({ format: "pt" });
    for (const [k, t] of m) {
      expect(back.tensors.get(k)!.shape).toEqual([...t.shape]);
      expect(back.tensors.get(k)!.data).toEqual(t.data);
    }
  });

  test("decodes a Node Buffer read straight from disk (its slice() is a view, not a copy)", () => {
    const m: TensorMap = new Map([
      ["a", { data: Float32Array.from([1, 2, 3]), shape: [3] }],
      ["b", { data: Float32Array.from([4, 5]), shape: [2] }],
    ]);
    const f = join(mkdtempSync(join(tmpdir(), "st-")), "x.safetensors");
    writeSafetensors(f, m);
    const back = decodeSafetensors(readFileSync(f), f);
    expect([...back.tensors.get("a")!.data]).toEqual([1, 2, 3]);
    expect([...back.tensors.get("b")!.data]).toEqual([4, 5]);
  });

  test("writes an 8-byte little-endian header length and aligns the data to 8 bytes", () => {
    const bytes = concat(encodeSafetensors(new Map([["x", { data: new Float32Array(3), shape: [3] }]])));
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + n) % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    expect(header.x).toEqual({ dtype: "F32", shape: [3], data_offsets: [0, 12] });
    expect(bytes.byteLength).toBe(8 + n + 12);
  });

  test("reads F16 and BF16 tensors as f32", () => {
    const header = JSON.stringify({ h: { dtype: "F16", shape: [2], data_offsets: [0, 4] }, b: { dtype: "BF16", shape: [1], data_offsets: [4, 6] } });
    const len = new Uint8Array(8);
    new DataView(len.buffer).setBigUint64(0, BigInt(header.length), true);
    const data = new Uint16Array([0x3c00, 0xc000, 0x3fc0]); // 1.0, -2.0 (f16), 1.5 (bf16)
    const t = decodeSafetensors(concat([len, new TextEncoder().encode(header), new Uint8Array(data.buffer)])).tensors;
    expect([...t.get("h")!.data]).toEqual([1, -2]);
    expect([...t.get("b")!.data]).toEqual([1.5]);
  });

  test("rejects a truncated file with the file name and a hint", () => {
    const f = join(mkdtempSync(join(tmpdir(), "st-")), "cut.safetensors");
    writeSafetensors(f, new Map([["x", { data: new Float32Array(100), shape: [100] }]]));
    writeFileSync(f, readFileSync(f).subarray(0, 200));
    expect(() => readSafetensors(f)).toThrow(CheckpointError);
    expect(() => readSafetensors(f)).toThrow(/cut\.safetensors: tensor "x" ends at byte \d+, past the end 200\. Hint: the file is truncated/);
  });
});
