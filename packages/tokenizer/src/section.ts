// The `tokenizer:` recipe section (type generated from schemas/sections/tokenizer.schema.json by @lathe/recipe),
// and its schema defaults for callers without a validated recipe (tests, scripts).
import type { Tokenizer } from "@lathe/recipe";

export type TokenizerSection = Tokenizer;

export const TOKENIZER_DEFAULTS: TokenizerSection = {
  kind: "bpe",
  vocab_size: 8192,
  split: "gpt4",
  split_regex: null,
  special_tokens: ["<|endoftext|>", "<|system|>", "<|user|>", "<|assistant|>", "<|end|>"],
  max_chars: null,
  unknown_char: "unk",
  pack: { dtype: "auto", loss_mask: "assistant" },
};
