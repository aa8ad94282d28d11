// Test fixtures: a byte-level pack directory (llm.c shards + meta.json) written from a string, so model tests
// do not depend on the data and tokenizer stages.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function writeShard(file: string, tokens: ArrayLike<number>): void {
  const header = new Int32Array(256);
  header[0] = 20240520; // llm.c magic, version 1 = uint16 tokens
  header[1] = 1;
  header[2] = tokens.length;
  const body = Uint16Array.from(tokens);
  writeFileSync(file, Buffer.concat([Buffer.from(header.buffer), Buffer.from(body.buffer)]));
}

/** A pack dir with byte tokens of train/val text, vocab 256 (+1 for the eot id 256). */
export function bytePackDir(train: string, val: string, dir = mkdtempSync(join(tmpdir(), "lathe-pack-"))): string {
  mkdirSync(dir, { recursive: true });
  const enc = new TextEncoder();
  const tr = enc.encode(train);
  const va = enc.encode(val);
  writeShard(join(dir, "train.bin"), tr);
  writeShard(join(dir, "val.bin"), va);
  writeFileSync(
    join(dir, "meta.json"),
    JSON.stringify({
      vocab_size: 257, eot: 256, dtype: "uint16",
      splits: { train: { docs: 1, tokens: tr.length, bytes: tr.length }, val: { docs: 1, tokens: va.length, bytes: va.length } },
    }),
  );
  return dir;
}

export const PANGRAMS =
  "The quick brown fox jumps over the lazy dog. Pack my box with five dozen liquor jugs. " +
  "How vexingly quick daft zebras jump! Sphinx of black quartz, judge my vow. ";
