// GGUF writer/reader round trip, f16 rounding, and exportGguf's layout and refusals (no llama.cpp needed; the
// node-llama-cpp parity checks are in parity.test.ts). Run: bun test packages/serve/src/gguf
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readSafetensors, resolveModelConfig } from "@lathe/model";
import { BpeTokenizer, byteTokenizer, CharTokenizer, charSpec, saveTokenizer } from "@lathe/tokenizer";
import { GgufExportError, GgufWriteError } from "./errors.ts";
import { exportGguf } from "./export.ts";
import { preTokenizerFor } from "./gpt2.ts";
import { removeTempDirs, tempDir, trainedFixture, writeTokenizer } from "./fixture.ts";
import { decodeGguf, halfToFloat, readGguf, tensorValues } from "./reader.ts";
import { encodeGguf, f16Bits, f16Bytes, f32Bytes, kv, writeGgufFile } from "./writer.ts";

afterAll(removeTempDirs);

const concat = (parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let o = 0;
  for (const p of parts) (out.set(p, o), (o += p.byteLength));
  return out;
};

describe("GGUF writer", () => {
  test("every value type, arrays and F32/F16 tensors round-trip through readGguf", () => {
    const kvs = [
      kv.string("general.architecture", "gpt2"),
      { key: "t.u8", type: "u8", value: 255 },
      { key: "t.i8", type: "i8", value: -128 },
      { key: "t.u16", type: "u16", value: 65535 },
      { key: "t.i16", type: "i16", value: -32768 },
      kv.u32("t.u32", 4294967295),
      kv.i32("t.i32", -2147483648),
      kv.f32("t.f32", 1e-5),
      { key: "t.f64", type: "f64", value: Math.PI },
      { key: "t.u64", type: "u64", value: 2n ** 63n + 5n },
      { key: "t.i64", type: "i64", value: -(2n ** 62n) },
      kv.bool("t.bool", true),
      kv.string("t.utf8", "Ġthe ✓ 🦙"),
      kv.array("t.strings", "string", ["a b", "", "Ċ"]),
      kv.array("t.i32s", "i32", [1, -3, 5]),
      kv.array("t.empty", "f32", []),
    ] as const;
    const a = Float32Array.from({ length: 3 * 5 }, (_, i) => i - 7.25); // (5,3): an odd size, so padding follows it
    const b = Float32Array.from([1, -2, 0.5, 65504, 1e-8]);
    const parts = encodeGguf([...kvs], [
      { name: "a", dims: [3, 5], type: "F32", data: f32Bytes(a) },
      { name: "b", dims: [5], type: "F16", data: f16Bytes(b) },
    ], 64);
    const f = decodeGguf(concat(parts));
    expect(f.version).toBe(3);
    expect(f.alignment).toBe(64);
    for (const e of kvs) expect(f.kv.get(e.key)).toEqual(e.key === "t.f32" ? Math.fround(1e-5) : (e.value as never));
    expect(f.types.get("t.strings")).toBe("array:string");
    expect(f.types.get("general.alignment")).toBe("u32");
    expect(f.tensors.map((t) => [t.name, t.dims, t.type])).toEqual([["a", [3, 5], "F32"], ["b", [5], "F16"]]);
    for (const t of f.tensors) expect(t.offset % 64).toBe(0);
    expect(f.tensors[1].offset - f.tensors[0].offset).toBe(64); // 60 bytes of "a", padded
    expect(tensorValues(f, "a")).toEqual(a);
    expect([...tensorValues(f, "b")]).toEqual([1, -2, 0.5, 65504, halfToFloat(f16Bits(1e-8))]);
  });

  test("the default alignment is 32 and is not written as a key", () => {
    const f = decodeGguf(concat(encodeGguf([kv.u32("x", 1)], [{ name: "t", dims: [1], type: "F32", data: f32Bytes(Float32Array.of(2)) }])));
    expect(f.kv.has("general.alignment")).toBe(false);
    expect(f.dataOffset % 32).toBe(0);
    expect(tensorValues(f, "t")).toEqual(Float32Array.of(2));
  });

  test.each([
    [[kv.u32("a", 1), kv.u32("a", 2)], [], "GGUF a: is written twice (got 2). Hint: each key appears once in a GGUF file"],
    [[kv.bool("flag", 1 as unknown as boolean)], [], "GGUF flag: is not a bool (got 1). Hint: pass true or false"],
    [[kv.u32("gpt2.block_count", -1)], [], "GGUF gpt2.block_count: does not fit a u32 (got -1). Hint: pass an integer in 0..4294967295"],
    [[kv.array("ids", "i32", [1, 2.5])], [], "GGUF ids: does not fit a i32 (got 2.5). Hint: pass an integer in -2147483648..2147483647"],
    [[], [{ name: "w", dims: [2, 3], type: "F16" as const, data: new Uint8Array(24) }], "GGUF w: has 24 bytes, expected 12 for F16 (got [2,3]). Hint: dims are in ggml order (ne0 first) and data is raw little-endian"],
  ])("refuses bad input with the key and value in the message (%#)", (kvs, tensors, message) => {
    expect(() => encodeGguf(kvs, tensors)).toThrow(GgufWriteError);
    expect(() => encodeGguf(kvs, tensors)).toThrow(message);
  });

  test.each([
    [1, "3c00"], [-2, "c000"], [65504, "7bff"], [65520, "7c00"], [2 ** -24, "0001"], [2 ** -25, "0000"], [3 * 2 ** -25, "0002"],
    [1 + 2 ** -11, "3c00"], [1 + 3 * 2 ** -11, "3c02"], [2 ** -14, "0400"], [Infinity, "7c00"], [-0, "8000"], [NaN, "7e00"],
  ])("f16Bits(%p) is 0x%s (round to nearest even, ties to even)", (v, hex) => {
    expect(f16Bits(v).toString(16).padStart(4, "0")).toBe(hex);
  });

  const f16round = (Math as unknown as { f16round?: (x: number) => number }).f16round;
  test.skipIf(!f16round)("f16Bits agrees with Math.f16round on random floats of every magnitude", () => {
    let s = 12345;
    const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32 - 0.5) * 2 ** ((s % 48) - 30);
    for (let i = 0; i < 20000; i++) {
      const x = Math.fround(rnd());
      expect(halfToFloat(f16Bits(x))).toBe(f16round!(x));
    }
  });

  test("writeGgufFile replaces the file atomically and leaves no temp file", () => {
    const dir = tempDir();
    const file = join(dir, "sub", "m.gguf");
    const parts = encodeGguf([kv.string("general.architecture", "gpt2")], []);
    expect(writeGgufFile(file, parts)).toBe(parts.reduce((n, p) => n + p.byteLength, 0));
    writeGgufFile(file, encodeGguf([kv.string("general.architecture", "llama")], []));
    expect(readGguf(file).kv.get("general.architecture")).toBe("llama");
    expect(readdirSync(join(dir, "sub"))).toEqual(["m.gguf"]);
  });
});

describe("exportGguf", () => {
  test("writes llama.cpp's gpt2 keys, vocabulary and tensors; f16 keeps norms, biases and positions in f32", async () => {
    const fx = await trainedFixture({ model: { kind: "gpt", n_layer: 2, n_head: 2, d_model: 16, context: 16, tie_embeddings: false }, steps: 2 });
    const out32 = join(fx.trainDir, "..", "f32.gguf");
    const out16 = join(fx.trainDir, "..", "f16.gguf");
    const r32 = await exportGguf({ trainDir: fx.trainDir, tokenizerDir: fx.tokenizerDir, outFile: out32 });
    const r16 = await exportGguf({ trainDir: fx.trainDir, tokenizerDir: fx.tokenizerDir, outFile: out16, dtype: "f16" });
    expect(r32.tensors).toBe(4 + 2 * 12 + 1);
    const f = readGguf(out32);
    expect(r32.bytes).toBe(f.bytes.byteLength);
    const V = fx.tok.vocabSize;
    expect(Object.fromEntries([...f.kv].filter(([k]) => !k.startsWith("tokenizer.ggml.t") && k !== "tokenizer.ggml.merges"))).toEqual({
      "general.architecture": "gpt2", "general.name": "lathe-gpt", "general.file_type": 0,
      "gpt2.context_length": 16, "gpt2.embedding_length": 16, "gpt2.feed_forward_length": 64, "gpt2.block_count": 2,
      "gpt2.attention.head_count": 2, "gpt2.attention.layer_norm_epsilon": Math.fround(1e-5),
      "tokenizer.ggml.model": "gpt2", "tokenizer.ggml.pre": "dbrx",
      "tokenizer.ggml.bos_token_id": 296, "tokenizer.ggml.eos_token_id": 296, "tokenizer.ggml.padding_token_id": 296,
      "tokenizer.ggml.add_bos_token": false, "tokenizer.ggml.add_eos_token": false,
    });
    const tokens = f.kv.get("tokenizer.ggml.tokens") as string[];
    expect(tokens.length).toBe(V);
    expect(tokens.slice(32, 35)).toEqual(["Ġ", "!", "\""]); // GPT-2's byte-to-unicode alphabet
    expect(tokens[296]).toBe("<|endoftext|>");
    expect((f.kv.get("tokenizer.ggml.token_type") as number[]).slice(294, 298)).toEqual([1, 1, 3, 3]);
    expect((f.kv.get("tokenizer.ggml.merges") as string[]).length).toBe(40);
    const dims = Object.fromEntries(f.tensors.map((t) => [t.name, t.dims]));
    expect(dims).toMatchObject({
      "token_embd.weight": [16, V], "position_embd.weight": [16, 16], "output.weight": [16, V], "output_norm.bias": [16],
      "blk.1.attn_qkv.weight": [16, 48], "blk.1.attn_qkv.bias": [48], "blk.1.attn_output.weight": [16, 16],
      "blk.1.ffn_up.weight": [16, 64], "blk.1.ffn_up.bias": [64], "blk.1.ffn_down.weight": [64, 16], "blk.1.ffn_norm.weight": [16],
    });
    // Lathe's (in, out) linear weights are stored transposed, (out, in) rows.
    const w = readSafetensors(join(fx.trainDir, "model.safetensors")).tensors;
    const qkv = w.get("h.1.attn.c_attn.weight")!.data; // (C,3C)
    const g = tensorValues(f, "blk.1.attn_qkv.weight"); // (3C,C)
    for (const [i, o] of [[0, 0], [3, 40], [15, 47]]) expect(g[o * 16 + i]).toBe(qkv[i * 48 + o]);
    expect(tensorValues(f, "output.weight")).toEqual(w.get("lm_head.weight")!.data as Float32Array);

    const h = readGguf(out16);
    expect(h.kv.get("general.file_type")).toBe(1);
    const types = Object.fromEntries(h.tensors.map((t) => [t.name, t.type]));
    expect(types).toMatchObject({
      "token_embd.weight": "F16", "output.weight": "F16", "blk.0.attn_qkv.weight": "F16", "blk.0.ffn_down.weight": "F16",
      "position_embd.weight": "F32", "blk.0.attn_qkv.bias": "F32", "blk.0.attn_norm.weight": "F32", "output_norm.bias": "F32",
    });
    expect(r16.bytes).toBeLessThan(r32.bytes);
  }, 60_000);

  test("a tied head is written as a copy of token_embd, and missing biases (bias: false) as zeros", async () => {
    const fx = await trainedFixture({ model: { kind: "gpt", n_layer: 1, n_head: 2, d_model: 16, context: 16, bias: false }, steps: 1 });
    const out = join(fx.trainDir, "..", "m.gguf");
    await exportGguf({ trainDir: fx.trainDir, tokenizerDir: fx.tokenizerDir, outFile: out });
    const f = readGguf(out);
    expect(tensorValues(f, "output.weight")).toEqual(tensorValues(f, "token_embd.weight"));
    expect(tensorValues(f, "blk.0.ffn_up.bias").every((v) => v === 0)).toBe(true);
    expect(tensorValues(f, "blk.0.attn_norm.bias").every((v) => v === 0)).toBe(true);
  }, 60_000);

  const trainDirWith = (section: Record<string, unknown>, vocab = 301) => {
    const dir = tempDir();
    writeFileSync(join(dir, "config.json"), JSON.stringify(resolveModelConfig(section, vocab)));
    return dir;
  };

  test.each([
    [{ kind: "rnn" }, '/model/kind: llama.cpp\'s gpt2 architecture cannot represent it (got "rnn"). Hint: GGUF export supports kind: gpt only (llama.cpp has no Lathe rnn/hybrid architecture)'],
    [{ kind: "hybrid" }, '/model/kind: llama.cpp\'s gpt2 architecture cannot represent it (got "hybrid").'],
    [{ pos: "rope" }, '/model/pos: llama.cpp\'s gpt2 architecture cannot represent it (got "rope"). Hint: GPT-2 uses learned positions; set pos: learned'],
    [{ norm: "rmsnorm" }, '/model/norm: llama.cpp\'s gpt2 architecture cannot represent it (got "rmsnorm"). Hint: GPT-2 uses LayerNorm; set norm: layernorm'],
    [{ mlp: "swiglu" }, '/model/mlp: llama.cpp\'s gpt2 architecture cannot represent it (got "swiglu"). Hint: GPT-2 uses a GELU MLP; set mlp: gelu'],
    [
      { moe: { experts: 4, top_k: 1 } },
      '/model/moe: llama.cpp\'s gpt2 architecture cannot represent it (got {"experts":4,"top_k":1,"every":2,"capacity_factor":1.25,"shared_experts":0,"router":"softmax","aux_loss":0.01,"z_loss":0.001}). Hint: GPT-2\'s layout has no experts (llama.cpp\'s gpt2 graph has no ffn_*_exps tensors); GGUF export needs a dense model (no model.moe)',
    ],
  ])("refuses the model section %o, naming the field", async (section, message) => {
    const trainDir = trainDirWith(section);
    const run = () => exportGguf({ trainDir, tokenizerDir: trainDir, outFile: join(trainDir, "m.gguf") });
    await expect(run()).rejects.toBeInstanceOf(GgufExportError);
    await expect(run()).rejects.toThrow(message);
    expect(existsSync(join(trainDir, "m.gguf"))).toBe(false);
  });

  test.each([
    ["char", '/tokenizer/kind: llama.cpp\'s gpt2 vocabulary is byte-level BPE (got "char"). Hint: use kind: bpe or byte (a char vocabulary has no byte-level form)'],
    ["nanochat", '/tokenizer/split: llama.cpp has no pre-tokenizer that splits numbers into 1-2 digits (got "nanochat"). Hint: train the tokenizer with split: gpt4 or gpt2 to export GGUF'],
    ["custom", '/tokenizer/split_regex: llama.cpp has no pre-tokenizer with this split regex (got " ?\\\\p{L}+|\\\\s+|."). Hint: train the tokenizer with split: gpt4 or gpt2 to export GGUF'],
  ])("refuses a %s tokenizer, naming the field", async (kind, message) => {
    const trainDir = trainDirWith({});
    const tokDir = join(trainDir, "tok");
    mkdirSync(tokDir);
    if (kind === "char") saveTokenizer(new CharTokenizer(charSpec(["a", "b"], ["<|endoftext|>"], "unk")), join(tokDir, "tokenizer.json"));
    else if (kind === "nanochat") writeTokenizer(tokDir, "nanochat", 4);
    else {
      const vocab = [...Array.from({ length: 256 }, (_, b) => Uint8Array.of(b)), Uint8Array.of(97, 98)];
      const tok = new BpeTokenizer({ kind: "bpe", pattern: String.raw` ?\p{L}+|\s+|.`, vocab, merges: [[97, 98]], ranks: "index", specials: [{ content: "<|endoftext|>", id: 257 }] });
      saveTokenizer(tok, join(tokDir, "tokenizer.json"));
    }
    await expect(exportGguf({ trainDir, tokenizerDir: tokDir, outFile: join(trainDir, "m.gguf") })).rejects.toThrow(message);
  });

  test.each([
    ["a byte tokenizer (no merges, no split)", "gpt-2", () => byteTokenizer(["<|endoftext|>"])],
    ["split: gpt2", "gpt-2", () => writeTokenizer(tempDir(), "gpt2", 8)],
    ["split: gpt4 (llama-bpe's regex without its ignore_merges)", "dbrx", () => writeTokenizer(tempDir(), "gpt4", 8)],
  ])("%s exports with tokenizer.ggml.pre %p", (_what, pre, make) => {
    expect(preTokenizerFor(make())).toBe(pre);
  });
});
