// The typed error of the built-in tasks: which task, what went wrong (with the bad value or the input's size), a hint.

export class BuiltinTaskError extends Error {
  override readonly name = "BuiltinTaskError";
  constructor(
    /** "builtin:<name>" */
    readonly where: string,
    readonly detail: string,
    readonly hint: string,
    options?: { cause?: unknown },
  ) {
    super(`${where}: ${detail}. Hint: ${hint}`, options);
  }
}
