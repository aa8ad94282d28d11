// Typed errors of the server. ApiError is what a client sees, in OpenAI's shape
// ({"error": {"message", "type", "param", "code"}}); ServerConfigError is a bad startServer/hostEngine option.

export type ApiErrorType = "invalid_request_error" | "authentication_error" | "not_found_error" | "rate_limit_error" | "server_error";

/** An error answered to the client: HTTP status plus OpenAI's error object. Its message never holds a stack. */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: number,
    readonly type: ApiErrorType,
    message: string,
    /** The request field at fault ("max_tokens", "messages[1].content"), or null. */
    readonly param: string | null = null,
    readonly code: string | null = null,
    /** Extra response headers (Retry-After). */
    readonly headers: Record<string, string> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  body(): { error: { message: string; type: ApiErrorType; param: string | null; code: string | null } } {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/** 400 invalid_request_error for one field. */
export function invalid(param: string | null, message: string, code: string | null = null): ApiError {
  return new ApiError(400, "invalid_request_error", message, param, code);
}

/** Anything not an ApiError becomes a 500 that tells nothing of the server's internals. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  return new ApiError(500, "server_error", "The server had an error while processing your request. Retry it; the server log has the details.", null, null, {}, { cause: e });
}

/** A startServer or hostEngine option the server cannot run with: which one, what is wrong, and how to fix it. */
export class ServerConfigError extends Error {
  override readonly name = "ServerConfigError";
  constructor(
    readonly option: string,
    readonly problem: string,
    readonly hint: string,
  ) {
    super(`${option}: ${problem}. Hint: ${hint}`);
  }
}
