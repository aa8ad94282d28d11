// tiktoken rank files: one "<base64 token bytes> <rank>" per line; the rank is the token id and the merge priority.
// Specials are not part of the format; pass them to the importer.
import { TokenizerFormatError } from "../errors.ts";
import { BpeTokenizer } from "../bpe/bpe-tokenizer.ts";
import type { SpecialToken } from "../bpe/specials.ts";

/** Parse a rank file into id -> bytes (null for ranks not present). */
export function parseTiktoken(text: string, file = "<tiktoken>"): (Uint8Array | null)[] {
  const vocab: (Uint8Array | null)[] = [];
  let line = 0;
  for (const raw of text.split("\n")) {
    line++;
    if (raw.length === 0) continue;
    const sp = raw.indexOf(" ");
    const rank = Number(raw.slice(sp + 1));
    if (sp <= 0 || !Number.isInteger(rank) || rank < 0) throw new TokenizerFormatError(file, `${file}:${line}:1`, raw.slice(0, 80), 'each line is "<base64> <rank>"', "bad tiktoken line");
    while (vocab.length <= rank) vocab.push(null);
    vocab[rank] = Buffer.from(raw.slice(0, sp), "base64");
  }
  return vocab;
}

/** A tokenizer with tiktoken's merge semantics (rank = id) from rank-file text, the split pattern and the specials. */
export function importTiktoken(text: string, opts: { pattern: string; specials: readonly SpecialToken[]; file?: string }): BpeTokenizer {
  const vocab = parseTiktoken(text, opts.file);
  return new BpeTokenizer({ kind: "bpe", pattern: opts.pattern, vocab, merges: [], ranks: "result", specials: opts.specials });
}

/** The rank file of a BPE tokenizer: every ordinary token, its id as rank. Specials are left out (the format has none). */
export function exportTiktoken(tok: BpeTokenizer): string {
  const special = new Set(tok.specials.map((s) => s.id));
  const lines: string[] = [];
  for (let id = 0; id < tok.vocabSize; id++) {
    if (special.has(id) || tok.spec.vocab[id] == null) continue;
    lines.push(`${Buffer.from(tok.tokenBytes(id)).toString("base64")} ${id}`);
  }
  return lines.join("\n") + "\n";
}
