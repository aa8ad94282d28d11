// exportGguf: a trained Lathe GPT (train stage outDir) + its tokenizer (tokenizer stage outDir) → one GGUF v3 file
// in llama.cpp's gpt2 layout (gguf.test.ts loads it with node-llama-cpp and checks tokens and logits). Written atomically.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { foldMup, readSafetensors, type GptConfig, type ModelConfig } from "@lathe/model";
import { loadTokenizer } from "@lathe/tokenizer";
import { GgufExportError } from "./errors.ts";
import { gpt2Hparams, gpt2Refusal, gpt2Tensors, gpt2Vocab } from "./gpt2.ts";
import { encodeGguf, kv, writeGgufFile } from "./writer.ts";

export interface ExportGgufOptions {
  /** A train stage's outDir (config.json + model.safetensors). */
  readonly trainDir: string;
  /** The tokenizer stage's outDir the model was trained with (tokenizer.json). */
  readonly tokenizerDir: string;
  /** The .gguf file to write (its directory is created). */
  readonly outFile: string;
  /**
   * Storage of the 2-D weights; norms, biases and position embeddings stay f32 (as convert_hf_to_gguf.py does).
   * @default "f32"
   */
  readonly dtype?: "f32" | "f16";
  /** general.name. @default "lathe-gpt" */
  readonly name?: string;
}

/** general.file_type (llama_ftype): ALL_F32 = 0, MOSTLY_F16 = 1. */
const FILE_TYPE = { f32: 0, f16: 1 } as const;

export async function exportGguf(o: ExportGgufOptions): Promise<{ bytes: number; tensors: number }> {
  const dtype = o.dtype ?? "f32";
  if (dtype !== "f32" && dtype !== "f16") throw new GgufExportError("dtype", dtype, "is not a GGUF export dtype", 'use "f32" or "f16"');
  const cfgFile = join(o.trainDir, "config.json");
  const weightsFile = join(o.trainDir, "model.safetensors");
  const tokFile = join(o.tokenizerDir, "tokenizer.json");
  const must = (f: string, hint: string) => {
    if (!existsSync(f)) throw new GgufExportError(f, null, "is missing", hint);
  };
  // Cheap refusals first: the config, then the tokenizer, before reading the weights.
  must(cfgFile, "point trainDir at the outDir of a finished train stage (config.json + model.safetensors)");
  const cfg = JSON.parse(readFileSync(cfgFile, "utf8")) as ModelConfig;
  const refusal = gpt2Refusal(cfg);
  if (refusal) throw refusal;
  const raw = cfg as GptConfig;
  must(tokFile, "point tokenizerDir at the outDir of the tokenizer stage the model was trained with");
  const vocab = gpt2Vocab(loadTokenizer(tokFile), raw.vocab_size, tokFile);
  must(weightsFile, "point trainDir at the outDir of a finished train stage (config.json + model.safetensors)");
  // µP's multipliers (attention and readout) are folded into the weights: llama.cpp's gpt2 layout has no place for them.
  const { cfg: gpt, weights } = foldMup(raw, readSafetensors(weightsFile).tensors);
  const { tensors, F } = gpt2Tensors(gpt, weights, dtype, weightsFile);
  const kvs = [
    kv.string("general.architecture", "gpt2"),
    kv.string("general.name", o.name ?? "lathe-gpt"),
    kv.u32("general.file_type", FILE_TYPE[dtype]),
    ...gpt2Hparams(gpt, F),
    ...vocab,
  ];
  const bytes = writeGgufFile(o.outFile, encodeGguf(kvs, tensors));
  return { bytes, tensors: tensors.length };
}
