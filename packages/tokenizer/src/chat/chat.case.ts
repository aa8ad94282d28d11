// Shared test cases for the chat format: conversations with multi-byte text (é, 中文, emoji), with and without a
// system prompt, and the tokenizers they are rendered with (byte, and a small trained byte-level BPE).
import { BpeTokenizer } from "../bpe/bpe-tokenizer.ts";
import { trainBpe } from "../bpe/train.ts";
import { byteTokenizer } from "../build.ts";
import { brownSplits } from "../fixtures/brown.ts";
import { DEFAULT_SPECIALS, NANOCHAT_PATTERN } from "../presets.ts";
import type { Tokenizer } from "../tokenizer.ts";
import type { ChatInput } from "./render.ts";

export const CONVERSATIONS: readonly (readonly [string, readonly ChatInput[]])[] = [
  [
    "a system prompt and two French/Chinese/emoji turns",
    [
      { role: "system", content: "Tu es gentil. Réponds brièvement." },
      { role: "user", content: "Ça va? 中文怎么样 🤖" },
      { role: "assistant", content: "Très bien, merci! 👍🏽 中文字很好。" },
      { role: "user", content: "Et l'été?" },
      { role: "assistant", content: "Été: é, è, ê — 👨‍👩‍👧\nfin." },
    ],
  ],
  [
    "no system prompt, CJK only",
    [
      { role: "user", content: "你好,世界" },
      { role: "assistant", content: "こんにちは 🌸 東京" },
    ],
  ],
  [
    "a developer prompt (read as system) and spaces at the edges",
    [
      { role: "developer", content: "  Answer in one word. " },
      { role: "user", content: " 2+2? " },
      { role: "assistant", content: " four\n\n" },
    ],
  ],
];

const brown = brownSplits();
// The conversations' own text, repeated, so BPE learns merges inside and across multi-byte characters.
const text = [...brown.train.slice(0, 20), ...Array(30).fill(CONVERSATIONS.flatMap(([, c]) => c.map((m) => m.content)).join(" "))];

export const TOKENIZERS: readonly (readonly [string, Tokenizer])[] = [
  ["byte", byteTokenizer(DEFAULT_SPECIALS)],
  ["bpe", new BpeTokenizer(trainBpe(text, { pattern: NANOCHAT_PATTERN, vocabSize: 600, specials: DEFAULT_SPECIALS }).spec)],
];

/** Every (tokenizer, conversation, addGenerationPrompt) combination, for test.each. */
export const CASES = TOKENIZERS.flatMap(([tn, tok]) =>
  CONVERSATIONS.flatMap(([cn, messages]) => [false, true].map((gen) => [`${tn}: ${cn}${gen ? ", with the generation prompt" : ""}`, tok, messages, gen] as const)),
);
