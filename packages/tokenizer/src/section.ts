// The `tokenizer:` recipe section (type generated from schemas/sections/tokenizer.schema.json by @lathe/recipe),
// with its defaults filled by @lathe/recipe's validator, for callers without a loaded recipe (tests, scripts).
import { withSectionDefaults, type Tokenizer } from "@lathe/recipe";

export type TokenizerSection = Tokenizer;

/** A partial tokenizer section with every default filled in (throws SectionValueError at the bad field). */
export function tokenizerSection(value?: unknown): TokenizerSection {
  return withSectionDefaults<TokenizerSection>("tokenizer", value ?? {});
}

/** The schema's defaults, spelled out. */
export const TOKENIZER_DEFAULTS: TokenizerSection = tokenizerSection();
