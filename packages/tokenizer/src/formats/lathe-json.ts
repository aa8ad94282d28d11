// Lathe's own tokenizer file (tokenizer.json of the tokenizer stage): every kind, lossless, human-readable.
// Token bytes are written with GPT-2's byte-to-unicode alphabet (as in HF files), so "Ġthe" is " the".
import { readFileSync } from "node:fs";
import { TokenizerFormatError } from "../errors.ts";
import { BpeTokenizer } from "../bpe/bpe-tokenizer.ts";
import type { SpecialToken } from "../bpe/specials.ts";
import { CharTokenizer, type UnknownCharPolicy } from "../char-tokenizer.ts";
import type { Tokenizer } from "../tokenizer.ts";
import { bytesToVisible, visibleToBytes } from "../utf8.ts";
import { writeFileAtomic } from "../atomic.ts";

export const LATHE_FORMAT = "lathe.tokenizer";

export type LatheTokenizerJson =
  | {
      readonly format: typeof LATHE_FORMAT;
      readonly version: 1;
      readonly kind: "bpe" | "byte";
      readonly pattern: string;
      readonly ranks: "index" | "result";
      /** id -> token bytes in the byte-to-unicode alphabet; null for special ids and holes. */
      readonly vocab: readonly (string | null)[];
      readonly merges: readonly (readonly [number, number])[];
      readonly specials: readonly SpecialToken[];
    }
  | {
      readonly format: typeof LATHE_FORMAT;
      readonly version: 1;
      readonly kind: "char";
      readonly chars: readonly string[];
      readonly unknown_char: UnknownCharPolicy;
      readonly specials: readonly SpecialToken[];
    };

export function toLatheJson(tok: Tokenizer): LatheTokenizerJson {
  if (tok instanceof CharTokenizer) {
    return { format: LATHE_FORMAT, version: 1, kind: "char", chars: tok.spec.chars, unknown_char: tok.spec.unknown, specials: tok.specials };
  }
  if (tok instanceof BpeTokenizer) {
    const s = tok.spec;
    return {
      format: LATHE_FORMAT,
      version: 1,
      kind: tok.kind === "byte" ? "byte" : "bpe",
      pattern: s.pattern,
      ranks: s.ranks,
      vocab: s.vocab.map((b) => (b === null ? null : bytesToVisible(b))),
      merges: s.merges,
      specials: s.specials,
    };
  }
  throw new TypeError(`toLatheJson: unsupported tokenizer kind ${tok.kind}`);
}

export function fromLatheJson(json: unknown, file = "<json>"): Tokenizer {
  const j = json as Partial<Record<string, unknown>>;
  if (j === null || typeof j !== "object" || j.format !== LATHE_FORMAT)
    throw new TokenizerFormatError(file, "/format", j?.format, `expected "${LATHE_FORMAT}"; for HF files use importHfTokenizer`, "not a Lathe tokenizer file");
  if (j.version !== 1) throw new TokenizerFormatError(file, "/version", j.version, "this Lathe reads version 1", "unsupported version");
  const specials = j.specials as SpecialToken[];
  if (j.kind === "char") return new CharTokenizer({ chars: j.chars as string[], specials, unknown: j.unknown_char as UnknownCharPolicy });
  if (j.kind !== "bpe" && j.kind !== "byte") throw new TokenizerFormatError(file, "/kind", j.kind, 'one of "bpe", "byte", "char"', "unknown tokenizer kind");
  const vocab = (j.vocab as (string | null)[]).map((v, id) => {
    if (v === null) return null;
    const b = visibleToBytes(v);
    if (b === null) throw new TokenizerFormatError(file, `/vocab/${id}`, v, "tokens are written in GPT-2's byte-to-unicode alphabet", "token has a character outside the byte alphabet");
    return b;
  });
  return new BpeTokenizer({
    kind: j.kind,
    pattern: j.pattern as string,
    ranks: j.ranks as "index" | "result",
    vocab,
    merges: j.merges as [number, number][],
    specials,
  });
}

export function saveTokenizer(tok: Tokenizer, path: string): void {
  writeFileAtomic(path, JSON.stringify(toLatheJson(tok)));
}

export function loadTokenizer(path: string): Tokenizer {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (cause) {
    throw new TokenizerFormatError(path, "/", null, "is this a tokenizer.json written by the tokenizer stage?", "cannot read JSON", { cause });
  }
  return fromLatheJson(json, path);
}
