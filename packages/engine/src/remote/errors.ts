// Typed errors of the remote cache: a request that failed (with the URL, the status and a hint), and an artifact that
// failed verification (with what was wrong in it).

import { EngineError } from "../errors.ts";

/** A request to the remote cache failed: the server is unreachable, too slow, or answered with an error status. */
export class RemoteCacheError extends EngineError {
  override readonly name = "RemoteCacheError";
  constructor(
    readonly method: "GET" | "HEAD" | "PUT",
    /** The request URL (the token is never part of it). */
    readonly url: string,
    /** The HTTP status, or null when no answer came (connection refused, timeout, DNS). */
    readonly status: number | null,
    /** The server's message, or the network error. */
    readonly detail: string,
    readonly hint: string,
    options?: { cause?: unknown },
  ) {
    super(`remote cache: ${RemoteCacheError.problem(method, url, status, detail)}. Hint: ${hint}`, options);
  }

  /** "GET <url> answered 401: <detail>": the message without its prefix and hint. */
  static problem(method: string, url: string, status: number | null, detail: string): string {
    return `${method} ${url} ${status === null ? "failed" : `answered ${status}`}: ${detail}`;
  }
}

/** A downloaded artifact is not a valid artifact of the requested key: truncated, corrupted, or tampered with. */
export class ArtifactError extends EngineError {
  override readonly name = "ArtifactError";
  constructor(
    readonly key: string,
    /** What is wrong, e.g. `file "a/b.bin" has digest 1f… but its manifest records 9c…`. */
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(`artifact ${key.slice(0, 12)}… rejected: ${problem}. Hint: the remote copy is damaged; the stage runs locally and its upload replaces it.`, options);
  }
}
