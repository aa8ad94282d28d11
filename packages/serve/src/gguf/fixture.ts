// Test fixture for the GGUF export: a byte-level BPE tokenizer with a few merges and a tiny GPT trained for a few
// CPU steps on it, written as tokenizer and train stage outDirs in a temp dir (no data or pack stage needed).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { trainModel } from "@lathe/model";
import { BpeTokenizer, DEFAULT_SPECIALS, EOT, exportHfTokenizer, saveTokenizer, SPLIT_PRESETS, trainBpe, type SplitPreset } from "@lathe/tokenizer";

export const TEXT =
  "The quick brown fox jumps over the lazy dog. Pack my box with five dozen liquor jugs. " +
  "How vexingly quick daft zebras jump! Sphinx of black quartz, judge my vow. It's 1234 o'clock, isn't it?\n\n";

const roots: string[] = [];

/** A temp dir removed by removeTempDirs (call it from afterAll). */
export function tempDir(prefix = "lathe-gguf-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  roots.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const d of roots.splice(0)) rmSync(d, { recursive: true, force: true });
}

export interface Fixture {
  readonly tokenizerDir: string;
  readonly trainDir: string;
  readonly tok: BpeTokenizer;
}

/** A tokenizer stage outDir: BPE with `merges` merges over TEXT, split preset `split`, Lathe's default specials. */
export function writeTokenizer(dir: string, split: SplitPreset, merges: number): BpeTokenizer {
  const { spec } = trainBpe([TEXT.repeat(4)], { pattern: SPLIT_PRESETS[split], vocabSize: 256 + merges + DEFAULT_SPECIALS.length, specials: DEFAULT_SPECIALS });
  const tok = new BpeTokenizer(spec);
  mkdirSync(dir, { recursive: true });
  saveTokenizer(tok, join(dir, "tokenizer.json"));
  writeFileSync(join(dir, "tokenizer.hf.json"), JSON.stringify(exportHfTokenizer(tok)));
  return tok;
}

/** llm.c shard: 256 int32 header (magic 20240520, version 1, count) then uint16 tokens. */
function writeShard(file: string, tokens: readonly number[]): void {
  const header = new Int32Array(256);
  header[0] = 20240520;
  header[1] = 1;
  header[2] = tokens.length;
  writeFileSync(file, Buffer.concat([Buffer.from(header.buffer), Buffer.from(Uint16Array.from(tokens).buffer)]));
}

/** Tokenizer + a GPT trained `steps` CPU steps on TEXT (documents separated by <|endoftext|>). */
export async function trainedFixture(o: { model: Record<string, unknown>; split?: SplitPreset; merges?: number; steps?: number; seed?: number }): Promise<Fixture> {
  const root = tempDir();
  const tokenizerDir = join(root, "tokenizer");
  const tok = writeTokenizer(tokenizerDir, o.split ?? "gpt4", o.merges ?? 40);
  const eot = tok.specialId(EOT)!;
  const ids: number[] = [];
  for (let i = 0; i < 24; i++) ids.push(eot, ...tok.encode(TEXT));
  const packDir = join(root, "pack");
  mkdirSync(packDir);
  writeShard(join(packDir, "train.bin"), ids);
  writeShard(join(packDir, "val.bin"), ids.slice(0, ids.length >> 2));
  writeFileSync(join(packDir, "meta.json"), JSON.stringify({ vocab_size: tok.vocabSize, eot, dtype: "uint16" }));
  const trainDir = join(root, "train");
  const train = { backend: "cpu", batch_size: 4, steps: o.steps ?? 30, lr: 3e-3, warmup_steps: 0, eval_every: 0, eval_batches: 1, checkpoint_every: 0, checkpoint_minutes: 0 };
  await trainModel({ model: o.model, train, seed: o.seed ?? 1, packDir, outDir: trainDir, scratchDir: join(root, "scratch") });
  return { tokenizerDir, trainDir, tok };
}
