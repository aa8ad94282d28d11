// The queue's typed error: Redis (or the remote cache the queue needs) could not be reached or was lost, with the URL
// (password hidden) and a hint.

import { EngineError } from "../errors.ts";

/** The queue cannot be used: Redis is unreachable, refused us, or was lost mid-build; or the queue is misconfigured. */
export class QueueError extends EngineError {
  override readonly name = "QueueError";
  constructor(
    /** The URL that failed (Redis or the remote cache), password hidden. */
    readonly url: string,
    /** What went wrong, e.g. "cannot reach Redis at redis://127.0.0.1:6390 (connect ECONNREFUSED 127.0.0.1:6390)". */
    readonly problem: string,
    readonly hint: string,
    options?: { cause?: unknown },
  ) {
    super(`queue: ${problem}. Hint: ${hint}`, options);
  }
}
