// Typed errors of the engine. Each message says what went wrong, where (stage id, JSON pointer, path), the bad value,
// and a hint.

/** Base class: every engine error is an EngineError, so callers can tell user errors from bugs. */
export class EngineError extends Error {
  override readonly name: string = "EngineError";
}

/** A value that is not plain JSON reached canonicalJson (params are hashed canonically). */
export class CanonicalJsonError extends EngineError {
  override readonly name = "CanonicalJsonError";
  constructor(
    /** JSON pointer of the bad value inside the serialized value, "" for the root. */
    readonly pointer: string,
    /** What was found there, e.g. "undefined", "function", "NaN", "Date". */
    readonly found: string,
    /** The stage whose params held the value, when known. */
    readonly stage?: string,
  ) {
    super(`${stage !== undefined ? `stage "${stage}" params: ` : ""}value at ${pointer === "" ? "(root)" : pointer} is ${found}, which is not JSON. Hint: stage params must be plain JSON (null, booleans, finite numbers, strings, arrays, plain objects); drop the field or convert it.`);
  }
}

/** The stage graph is malformed: duplicate ids, unknown inputs, or a cycle. */
export class GraphError extends EngineError {
  override readonly name = "GraphError";
  constructor(
    readonly problem: "duplicate-id" | "unknown-input" | "cycle" | "bad-stage",
    /** The stage ids involved, in order (for a cycle: the cycle, first id repeated at the end). */
    readonly stages: readonly string[],
    message: string,
  ) {
    super(message);
  }
}

/** A { files } input names a file that cannot be read. */
export class InputFileError extends EngineError {
  override readonly name = "InputFileError";
  constructor(readonly stage: string, readonly input: string, readonly path: string, options?: { cause?: unknown }) {
    super(`stage "${stage}" input "${input}": cannot read ${path} (${errCode(options?.cause)}). Hint: check the path; relative paths resolve against the build root.`, options);
  }
}

/** A stage's run() rejected (or its outputs could not be stored). */
export class StageFailedError extends EngineError {
  override readonly name = "StageFailedError";
  constructor(readonly stage: string, readonly key: string, detail: string, options?: { cause?: unknown }) {
    super(`stage "${stage}" failed: ${detail}`, options);
  }
}

function errCode(e: unknown): string {
  if (e && typeof e === "object" && "code" in e) return String((e as { code: unknown }).code);
  return e instanceof Error ? e.message : String(e);
}
