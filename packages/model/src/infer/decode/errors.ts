// Typed errors of the batched decoder: what is wrong (the bad value named), and a hint.

/** A request or a decoder setting the decoder cannot take. */
export class DecodeError extends Error {
  override readonly name = "DecodeError";
  constructor(
    readonly problem: string,
    readonly hint: string,
  ) {
    super(`decoder: ${problem}. Hint: ${hint}`);
  }
}
