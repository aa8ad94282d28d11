// Build a tokenizer from the recipe section and a stream of training documents (any kind).
import { TokenizerConfigError } from "./errors.ts";
import { BpeTokenizer } from "./bpe/bpe-tokenizer.ts";
import { BpeTrainer, type BpeTrainReport } from "./bpe/train.ts";
import { CharTokenizer, charAlphabet, charSpec } from "./char-tokenizer.ts";
import { EOT } from "./presets.ts";
import type { TokenizerSection } from "./section.ts";
import { splitPattern } from "./split.ts";
import type { Tokenizer } from "./tokenizer.ts";

export interface BuildReport {
  readonly kind: TokenizerSection["kind"];
  readonly vocab_size: number;
  readonly train_chars: number;
  readonly bpe?: BpeTrainReport;
  readonly seconds: number;
}

/** A byte tokenizer: ids 0..255 are the bytes, then the specials. */
export function byteTokenizer(specials: readonly string[]): BpeTokenizer {
  const vocab: Uint8Array[] = [];
  for (let b = 0; b < 256; b++) vocab.push(Uint8Array.of(b));
  return new BpeTokenizer({ kind: "byte", pattern: "", vocab, merges: [], ranks: "index", specials: specials.map((content, i) => ({ content, id: 256 + i })) });
}

/** Train (or build) the tokenizer a section describes from docs (the train split's texts, in order). */
export async function buildTokenizer(
  section: TokenizerSection,
  docs: AsyncIterable<string> | Iterable<string>,
  onProgress?: (done: number, total: number) => void,
): Promise<{ tokenizer: Tokenizer; report: BuildReport }> {
  const t0 = performance.now();
  if (!section.special_tokens.includes(EOT))
    throw new TokenizerConfigError("/tokenizer/special_tokens", section.special_tokens, `add "${EOT}": packing separates documents with it`, "special tokens lack the end-of-text token");
  const done = (tokenizer: Tokenizer, chars: number, bpe?: BpeTrainReport) => ({
    tokenizer,
    report: { kind: section.kind, vocab_size: tokenizer.vocabSize, train_chars: chars, ...(bpe ? { bpe } : {}), seconds: (performance.now() - t0) / 1000 },
  });
  if (section.kind === "byte") return done(byteTokenizer(section.special_tokens), 0);
  if (section.kind === "char") {
    const texts: string[] = [];
    let n = 0;
    for await (const d of docs) {
      texts.push(section.max_chars !== null && n + d.length > section.max_chars ? d.slice(0, section.max_chars - n) : d);
      n += d.length;
      if (section.max_chars !== null && n >= section.max_chars) break;
    }
    const tok = new CharTokenizer(charSpec(charAlphabet(texts), section.special_tokens, section.unknown_char));
    return done(tok, Math.min(n, section.max_chars ?? n));
  }
  const trainer = new BpeTrainer({
    pattern: splitPattern(section.split, section.split_regex),
    vocabSize: section.vocab_size,
    specials: section.special_tokens,
    maxChars: section.max_chars,
    onProgress,
  });
  for await (const d of docs) {
    trainer.add(d);
    if (trainer.full) break;
  }
  const { spec, report } = trainer.finish();
  return done(new BpeTokenizer(spec), report.chars, report);
}
