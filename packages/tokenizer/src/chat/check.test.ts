// checkChatTokenizer: a tokenizer recipe section reserves the chat tokens, or a located problem with a hint.
// Run: bun test packages/tokenizer/src/chat
import { expect, test } from "bun:test";
import { checkChatTokenizer } from "./check.ts";

test.each([
  ["no section", undefined],
  ["an empty section (the defaults)", {}],
  ["a byte tokenizer with default specials", { kind: "byte", vocab_size: 300 }],
  ["the chat tokens in another order, with an extra one", { special_tokens: ["<|end|>", "<|tool|>", "<|assistant|>", "<|user|>", "<|system|>", "<|endoftext|>"] }],
])("%s reserves every chat token", (_, section) => {
  expect(checkChatTokenizer(section)).toBeNull();
});

test("special_tokens without the chat tokens is reported at its pointer, with a list to copy", () => {
  expect(checkChatTokenizer({ kind: "bpe", special_tokens: ["<|endoftext|>", "<|user|>"] })).toEqual({
    pointer: "/tokenizer/special_tokens",
    value: ["<|endoftext|>", "<|user|>"],
    message: 'tokenizer.special_tokens does not reserve "<|system|>", "<|assistant|>", "<|end|>"',
    hint: 'add them, e.g. special_tokens: ["<|endoftext|>","<|user|>","<|system|>","<|assistant|>","<|end|>"], or remove special_tokens to get the defaults',
  });
});

test("a special_tokens that is not a list is reported", () => {
  expect(checkChatTokenizer({ special_tokens: "<|end|>" })?.message).toBe("tokenizer.special_tokens is not a list");
});
