// Typed errors of @lathe/tokenizer. Each message says what went wrong, where, the bad value, and a hint.
import type { ChatDataReport } from "./chat/report.ts";

/** A tokenizer config, file or argument is invalid (unknown preset, bad regex, vocab too small, ...). */
export class TokenizerConfigError extends Error {
  override readonly name = "TokenizerConfigError";
  constructor(
    /** JSON pointer or file path of the bad value, e.g. "/tokenizer/vocab_size". */
    readonly where: string,
    readonly value: unknown,
    readonly hint: string,
    what: string,
    options?: { cause?: unknown },
  ) {
    super(`${what} at ${where}: ${JSON.stringify(value)}. Hint: ${hint}`, options);
  }
}

/** A file in one of the supported formats (Lathe JSON, HF tokenizer.json, tiktoken, llm.c shard) cannot be read. */
export class TokenizerFormatError extends Error {
  override readonly name = "TokenizerFormatError";
  constructor(
    readonly file: string,
    readonly where: string,
    readonly value: unknown,
    readonly hint: string,
    what: string,
    options?: { cause?: unknown },
  ) {
    super(`${what} in ${file} at ${where}: ${JSON.stringify(value)}. Hint: ${hint}`, options);
  }
}

/** Text contains a character the char tokenizer has no id for and the policy is "error". */
export class UnknownCharError extends Error {
  override readonly name = "UnknownCharError";
  constructor(
    readonly char: string,
    readonly offset: number,
  ) {
    super(
      `unknown character ${JSON.stringify(char)} (U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}) at offset ${offset}. ` +
        `Hint: set tokenizer.unknown_char to "unk" or "skip", or use kind "byte"/"bpe" which cover every byte`,
    );
  }
}

/** A token id outside the vocabulary was given to decode. */
export class TokenIdError extends Error {
  override readonly name = "TokenIdError";
  constructor(
    readonly id: number,
    readonly index: number,
    readonly vocabSize: number,
  ) {
    super(`token id ${id} at index ${index} is not in the vocabulary (size ${vocabSize}). Hint: was this produced by another tokenizer?`);
  }
}

/** A tokenizer lacks a special token that chat rendering needs (<|endoftext|>, <|end|>, or a role's <|role|>). */
export class ChatTokenError extends Error {
  override readonly name = "ChatTokenError";
  constructor(
    /** The special tokens the tokenizer lacks, e.g. ["<|end|>"]. */
    readonly missing: readonly string[],
    /** What needed them: "chat", or a part of the conversation, e.g. 'messages[2].role "tool"'. */
    readonly where: string,
    /** Index of the message whose role token is missing, or null. */
    readonly turn: number | null = null,
  ) {
    super(
      `the tokenizer lacks the special token${missing.length > 1 ? "s" : ""} ${missing.map((m) => JSON.stringify(m)).join(", ")}, needed for ${where}. ` +
        `Hint: chat rendering needs <|endoftext|> <|system|> <|user|> <|assistant|> <|end|> in tokenizer.special_tokens (the default); add the missing ones and rebuild the tokenizer`,
    );
  }
}

/** Fine-tuning data has no usable record left after every bad line was dropped (or could not be read at all). */
export class ChatDataError extends Error {
  override readonly name = "ChatDataError";
  constructor(
    /** The file (or generator label) read. */
    readonly file: string,
    /** The layout the stage expected. */
    readonly expect: "sft" | "preference" | "prompts",
    /** Per rule counts and examples of what was dropped. */
    readonly report: ChatDataReport,
    readonly hint: string,
    what: string,
    options?: { cause?: unknown },
  ) {
    super(`${what}. Hint: ${hint}`, options);
  }
}
