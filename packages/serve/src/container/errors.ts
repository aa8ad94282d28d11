// Typed errors of the container export: what is wrong, where (an option or a file), the bad value, and a hint.

/** An option or input file the container export cannot use. */
export class ContainerExportError extends Error {
  override readonly name = "ContainerExportError";
  constructor(
    /** The option ("port") or file at fault. */
    readonly where: string,
    readonly value: unknown,
    readonly problem: string,
    readonly hint: string,
    options?: { cause?: unknown },
  ) {
    super(`${where}: ${problem} (got ${JSON.stringify(value)}). Hint: ${hint}`, options);
  }
}
