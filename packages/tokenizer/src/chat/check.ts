// Plan-time check that a `tokenizer:` recipe section reserves the chat tokens fine-tuning renders, so a recipe
// fails at plan time with a located error instead of after pretraining.
import { CHAT_TOKENS, EOT } from "../presets.ts";
import { TOKENIZER_DEFAULTS } from "../section.ts";

/** Every special token renderChat needs. */
export const CHAT_SPECIALS: readonly string[] = [EOT, ...CHAT_TOKENS];

export interface ChatTokenizerProblem {
  /** JSON pointer of the bad field, e.g. "/tokenizer/special_tokens". */
  readonly pointer: string;
  readonly value: unknown;
  /** What is wrong, phrased to follow "fine-tuning renders chat tokens, but ". */
  readonly message: string;
  readonly hint: string;
}

/** Null when the section (absent, partial or full) will reserve every chat token; else what is missing and where. */
export function checkChatTokenizer(tokenizerSection: unknown): ChatTokenizerProblem | null {
  const section = (tokenizerSection ?? {}) as { special_tokens?: unknown };
  const pointer = "/tokenizer/special_tokens";
  if (typeof section !== "object") return { pointer: "/tokenizer", value: section, message: "the tokenizer section is not an object", hint: "remove it to get the defaults, or write tokenizer: {kind: bpe}" };
  const list = section.special_tokens ?? TOKENIZER_DEFAULTS.special_tokens;
  if (!Array.isArray(list)) return { pointer, value: list, message: "tokenizer.special_tokens is not a list", hint: `remove it to get the defaults ${JSON.stringify(CHAT_SPECIALS)}` };
  const missing = CHAT_SPECIALS.filter((t) => !list.includes(t));
  if (missing.length === 0) return null;
  return {
    pointer,
    value: list,
    message: `tokenizer.special_tokens does not reserve ${missing.map((t) => JSON.stringify(t)).join(", ")}`,
    hint: `add ${missing.length === 1 ? "it" : "them"}, e.g. special_tokens: ${JSON.stringify([...list, ...missing])}, or remove special_tokens to get the defaults`,
  };
}
