// Pre-tokenizer split-regex presets and the default special tokens.
// All patterns are JavaScript-safe (no possessive quantifiers or atomic groups) and are compiled with the "u" flag;
// for these patterns the possessive forms of the originals never change the match, so splits are identical.

export type SplitPreset = "gpt2" | "gpt4" | "nanochat";

/** GPT-2 (r50k): contractions, optional-space letters/numbers/other runs, whitespace. */
export const GPT2_PATTERN = String.raw`'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`;

const CONTRACTIONS = String.raw`'(?:[sS]|[dD]|[mM]|[tT]|[lL][lL]|[vV][eE]|[rR][eE])`;

/** GPT-4 (cl100k_base): case-insensitive contractions, one non-letter prefix on words, numbers of 1-3 digits. */
export const GPT4_PATTERN = String.raw`${CONTRACTIONS}|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]|\s+(?!\S)|\s+`;

/** nanochat: the GPT-4 pattern with numbers split into 1-2 digits (better for small vocabularies). */
export const NANOCHAT_PATTERN = String.raw`${CONTRACTIONS}|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,2}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]|\s+(?!\S)|\s+`;

export const SPLIT_PRESETS: Readonly<Record<SplitPreset, string>> = {
  gpt2: GPT2_PATTERN,
  gpt4: GPT4_PATTERN,
  nanochat: NANOCHAT_PATTERN,
};

/** The end-of-text token separates documents in packed shards. */
export const EOT = "<|endoftext|>";

/** Chat-role tokens, reserved now so fine-tuning can use them without growing the vocabulary. */
export const CHAT_TOKENS = ["<|system|>", "<|user|>", "<|assistant|>", "<|end|>"] as const;

export const DEFAULT_SPECIALS: readonly string[] = [EOT, ...CHAT_TOKENS];

/** The char tokenizer's unknown-character token (added only when unknown_char is "unk"). */
export const UNK = "<|unk|>";
