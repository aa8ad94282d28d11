// Lathe GPT → llama.cpp's LLM_ARCH_GPT2 (src/llama-model.cpp): the gpt2.* hyperparameters, the tensors under their
// GGUF names in ggml layout, and the byte-level BPE vocabulary as tokenizer.ggml.* keys (model "gpt2").
// Dimension letters: V vocab, T context, C d_model, F mlp hidden, L layers.
import type { ModelConfig, TensorMap } from "@lathe/model";
import { BpeTokenizer, EOT, exportHfTokenizer, SPLIT_PRESETS, type Tokenizer } from "@lathe/tokenizer";
import { GgufExportError } from "./errors.ts";
import { f16Bytes, f32Bytes, kv, type GgufKv, type GgufTensor, type TensorType } from "./writer.ts";

/** Lathe's LayerNorm epsilon (packages/model/src/infer/math.ts, and the GPU kernels). */
export const LAYER_NORM_EPS = 1e-5;

/** Lathe config fields llama.cpp's gpt2 graph has no room for, named by their recipe pointer. */
export function gpt2Refusal(cfg: ModelConfig): GgufExportError | null {
  const no = (field: string, value: unknown, hint: string) => new GgufExportError(`/model/${field}`, value, "llama.cpp's gpt2 architecture cannot represent it", hint);
  if (cfg.kind !== "gpt") return no("kind", cfg.kind, "GGUF export supports kind: gpt only (llama.cpp has no Lathe rnn/hybrid architecture)");
  if (cfg.moe) return no("moe", cfg.moe, "GPT-2's layout has no experts (llama.cpp's gpt2 graph has no ffn_*_exps tensors); GGUF export needs a dense model (no model.moe)");
  if (cfg.pos !== "learned") return no("pos", cfg.pos, "GPT-2 uses learned positions; set pos: learned");
  if (cfg.norm !== "layernorm") return no("norm", cfg.norm, "GPT-2 uses LayerNorm; set norm: layernorm");
  if (cfg.mlp !== "gelu") return no("mlp", cfg.mlp, "GPT-2 uses a GELU MLP; set mlp: gelu");
  return null;
}

/**
 * tokenizer.ggml.pre for a Lathe split pattern: the llama.cpp pre-tokenizer whose regex gives the same chunks.
 * gpt4 maps to "dbrx": the same regex as "llama-bpe", without llama-bpe's ignore_merges (Lathe always merges).
 */
export function preTokenizerFor(tok: Tokenizer): string {
  if (!(tok instanceof BpeTokenizer)) throw new GgufExportError("/tokenizer/kind", tok.kind, "llama.cpp's gpt2 vocabulary is byte-level BPE", "use kind: bpe or byte (a char vocabulary has no byte-level form)");
  const { pattern, merges } = tok.spec;
  if (pattern === SPLIT_PRESETS.gpt2) return "gpt-2";
  if (pattern === SPLIT_PRESETS.gpt4) return "dbrx";
  if (merges.length === 0 && tok.spec.ranks === "index") return "gpt-2"; // bytes only: every split gives the same ids
  if (pattern === SPLIT_PRESETS.nanochat)
    throw new GgufExportError("/tokenizer/split", "nanochat", "llama.cpp has no pre-tokenizer that splits numbers into 1-2 digits", "train the tokenizer with split: gpt4 or gpt2 to export GGUF");
  throw new GgufExportError("/tokenizer/split_regex", pattern, "llama.cpp has no pre-tokenizer with this split regex", "train the tokenizer with split: gpt4 or gpt2 to export GGUF");
}

/** Token types of tokenizer.ggml.token_type (llama.cpp's llama_token_type). */
const NORMAL = 1, CONTROL = 3, UNUSED = 5;

/** tokenizer.ggml.* key/values for a byte-level BPE tokenizer padded to V ids (holes become unused "[PADi]"). */
export function gpt2Vocab(tok: Tokenizer, V: number, where: string): GgufKv[] {
  const pre = preTokenizerFor(tok);
  if (tok.vocabSize > V) throw new GgufExportError(where, tok.vocabSize, `the tokenizer has more ids than the model's vocab_size ${V}`, "export the tokenizer the model was trained with");
  const hf = exportHfTokenizer(tok) as { model: { vocab: Record<string, number>; merges: [string, string][] } };
  const tokens: string[] = Array.from({ length: V }, (_, i) => `[PAD${i}]`);
  const types: number[] = new Array(V).fill(UNUSED);
  for (const [text, id] of Object.entries(hf.model.vocab)) {
    tokens[id] = text;
    types[id] = NORMAL;
  }
  for (const s of tok.specials) types[s.id] = CONTROL; // HF added tokens with special: true
  const seen = new Map<string, number>();
  tokens.forEach((t, id) => {
    const other = seen.get(t);
    if (other !== undefined) throw new GgufExportError(where, t, `ids ${other} and ${id} have the same text`, "llama.cpp needs every token text to be unique; rename the special token");
    seen.set(t, id);
  });
  const eot = tok.specialId(EOT);
  if (eot === undefined) throw new GgufExportError("/tokenizer/special_tokens", tok.specials.map((s) => s.content), `has no "${EOT}"`, `add "${EOT}": llama.cpp stops generating at it (bos/eos)`);
  return [
    kv.string("tokenizer.ggml.model", "gpt2"),
    kv.string("tokenizer.ggml.pre", pre),
    kv.array("tokenizer.ggml.tokens", "string", tokens),
    kv.array("tokenizer.ggml.token_type", "i32", types),
    kv.array("tokenizer.ggml.merges", "string", hf.model.merges.map(([a, b]) => `${a} ${b}`)),
    kv.u32("tokenizer.ggml.bos_token_id", eot),
    kv.u32("tokenizer.ggml.eos_token_id", eot),
    kv.u32("tokenizer.ggml.padding_token_id", eot),
    kv.bool("tokenizer.ggml.add_bos_token", false), // Lathe feeds the prompt as is
    kv.bool("tokenizer.ggml.add_eos_token", false),
  ];
}

/** gpt2.* hyperparameters (llama.cpp reads these for LLM_ARCH_GPT2). */
export function gpt2Hparams(cfg: ModelConfig & { kind: "gpt" }, F: number): GgufKv[] {
  return [
    kv.u32("gpt2.context_length", cfg.context),
    kv.u32("gpt2.embedding_length", cfg.d_model),
    kv.u32("gpt2.feed_forward_length", F),
    kv.u32("gpt2.block_count", cfg.n_layer),
    kv.u32("gpt2.attention.head_count", cfg.n_head),
    kv.f32("gpt2.attention.layer_norm_epsilon", LAYER_NORM_EPS),
  ];
}

/**
 * The GGUF tensors of a Lathe GPT. Lathe stores linear weights (in, out) like GPT-2's Conv1D; llama.cpp wants
 * (out, in) rows (ggml dims [in, out]), so they are transposed. Missing biases (bias: false) are written as zeros,
 * which is the same function. A tied head is written as a copy of token_embd (as convert_hf_to_gguf.py does).
 * With dtype f16, 2-D weights except position_embd are F16; norms, biases and position_embd stay F32.
 */
export function gpt2Tensors(cfg: ModelConfig & { kind: "gpt" }, w: TensorMap, dtype: "f32" | "f16", file: string): { tensors: GgufTensor[]; F: number } {
  const V = cfg.vocab_size, T = cfg.context, C = cfg.d_model;
  const fc = w.get("h.0.mlp.c_fc.weight");
  const F = fc ? fc.shape[1] : Math.max(1, Math.round(C * cfg.mlp_ratio));
  const tensors: GgufTensor[] = [];
  const get = (name: string, shape: number[], zerosIfMissing = false): Float32Array => {
    const t = w.get(name);
    const n = shape.reduce((a, b) => a * b, 1);
    if (!t) {
      if (zerosIfMissing) return new Float32Array(n);
      throw new GgufExportError(file, name, "tensor is missing", "the weights do not belong to this config.json");
    }
    if (!(t.data instanceof Float32Array) || t.data.length !== n)
      throw new GgufExportError(file, { name, shape: t.shape }, `expected float32 [${shape}]`, "the weights do not belong to this config.json");
    return t.data;
  };
  const put = (name: string, data: Float32Array, dims: number[], type: TensorType) => tensors.push({ name, dims, type, data: type === "F16" ? f16Bytes(data) : f32Bytes(data) });
  const mat: TensorType = dtype === "f16" ? "F16" : "F32";
  /** (I, O) row-major → (O, I) row-major. */
  const transpose = (x: Float32Array, I: number, O: number): Float32Array => {
    const y = new Float32Array(I * O);
    for (let i = 0; i < I; i++) for (let o = 0; o < O; o++) y[o * I + i] = x[i * O + o];
    return y;
  };
  const linear = (from: string, to: string, I: number, O: number) => {
    put(`${to}.weight`, transpose(get(`${from}.weight`, [I, O]), I, O), [I, O], mat);
    put(`${to}.bias`, get(`${from}.bias`, [O], true), [O], "F32");
  };
  const norm = (from: string, to: string) => {
    put(`${to}.weight`, get(`${from}.weight`, [C]), [C], "F32");
    put(`${to}.bias`, get(`${from}.bias`, [C], true), [C], "F32");
  };
  const wte = get("wte.weight", [V, C]); // (V,C)
  put("token_embd.weight", wte, [C, V], mat);
  put("position_embd.weight", get("wpe.weight", [T, C]), [C, T], "F32"); // (T,C)
  for (let l = 0; l < cfg.n_layer; l++) {
    const h = `h.${l}`, b = `blk.${l}`;
    norm(`${h}.ln_1`, `${b}.attn_norm`);
    linear(`${h}.attn.c_attn`, `${b}.attn_qkv`, C, 3 * C); // (C,3C) → (3C,C)
    linear(`${h}.attn.c_proj`, `${b}.attn_output`, C, C);
    norm(`${h}.ln_2`, `${b}.ffn_norm`);
    linear(`${h}.mlp.c_fc`, `${b}.ffn_up`, C, F); // (C,F) → (F,C)
    linear(`${h}.mlp.c_proj`, `${b}.ffn_down`, F, C); // (F,C) → (C,F)
  }
  norm("ln_f", "output_norm");
  put("output.weight", cfg.tie_embeddings ? wte : get("lm_head.weight", [V, C]), [C, V], mat); // (V,C)
  return { tensors, F };
}
