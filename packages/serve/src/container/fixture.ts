// Test fixture for the container export: a tiny random-init GPT (train stage outDir) and a byte tokenizer with Lathe's
// default specials (tokenizer stage outDir) in a temp dir, plus the temp-dir bookkeeping.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getDevice } from "@lathe/gpu";
import { buildModel, resolveModelConfig, type TensorMap, writeSafetensors } from "@lathe/model";
import { byteTokenizer, DEFAULT_SPECIALS, saveTokenizer } from "@lathe/tokenizer";

const roots: string[] = [];

/** A temp dir removed by removeTempDirs (call it from afterAll). */
export function tempDir(prefix = "lathe-container-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  roots.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const d of roots.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Byte tokenizer (ids 0..255, then <|endoftext|> and the chat tokens) + a 1-layer GPT with context T = 64. */
export async function tinyStages(): Promise<{ trainDir: string; tokenizerDir: string }> {
  const root = tempDir();
  const tokenizerDir = join(root, "tokenizer");
  const trainDir = join(root, "train");
  mkdirSync(tokenizerDir);
  mkdirSync(trainDir);
  const tok = byteTokenizer(DEFAULT_SPECIALS);
  saveTokenizer(tok, join(tokenizerDir, "tokenizer.json"));
  const cfg = resolveModelConfig({ kind: "gpt", n_layer: 1, n_head: 2, d_model: 16, context: 64, init_std: 0.3 }, tok.vocabSize);
  const model = buildModel(await getDevice({ backend: "cpu" }), cfg, 1);
  const tensors: TensorMap = new Map();
  for (const p of model.params.list) tensors.set(p.name, { data: (await p.tensor.read()) as Float32Array, shape: p.shape });
  writeFileSync(join(trainDir, "config.json"), JSON.stringify(cfg));
  writeSafetensors(join(trainDir, "model.safetensors"), tensors);
  return { trainDir, tokenizerDir };
}
