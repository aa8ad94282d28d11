// Typed errors of the GGUF export: what is wrong, where (a recipe JSON pointer, a GGUF key or a file offset),
// the bad value, and a hint.

/** A model or tokenizer that llama.cpp's gpt2 architecture cannot represent, or files that do not belong together. */
export class GgufExportError extends Error {
  override readonly name = "GgufExportError";
  constructor(
    /** Recipe JSON pointer ("/model/pos") or file of the bad value. */
    readonly where: string,
    readonly value: unknown,
    readonly problem: string,
    readonly hint: string,
    options?: { cause?: unknown },
  ) {
    super(`${where}: ${problem} (got ${JSON.stringify(value)}). Hint: ${hint}`, options);
  }
}

/** A key/value or tensor the writer cannot encode (named by its GGUF key or tensor name). */
export class GgufWriteError extends Error {
  override readonly name = "GgufWriteError";
  constructor(
    readonly key: string,
    readonly value: unknown,
    readonly problem: string,
    readonly hint: string,
  ) {
    super(`GGUF ${key}: ${problem} (got ${JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? `${v}` : v))}). Hint: ${hint}`);
  }
}

/** Bytes that are not a GGUF file this reader understands (file and byte offset). */
export class GgufFormatError extends Error {
  override readonly name = "GgufFormatError";
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly problem: string,
    readonly hint: string,
  ) {
    super(`${file} at byte ${offset}: ${problem}. Hint: ${hint}`);
  }
}
