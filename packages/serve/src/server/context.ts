// What every generation route shares: the server's context (engine, model id, limits, metrics), admission against
// the queue limit, prompt → ids with the length checks, and the request's abort signal (client gone or timeout).
import type { ServingEngine } from "./engine.ts";
import { ApiError, invalid } from "./errors.ts";
import type { ServerMetrics } from "./metrics.ts";
import type { ChatMessage } from "./validate.ts";

/** Renders a conversation into the prompt text (special-token strings in it become their ids). */
export type ChatTemplate = (messages: readonly ChatMessage[]) => string;

export interface ServerContext {
  readonly engine: ServingEngine;
  readonly model: string;
  readonly metrics: ServerMetrics;
  readonly maxTokensCap: number;
  readonly requestTimeoutMs: number;
  /** null: a base model; chat is a plain completion of the messages' contents joined by newlines. */
  readonly chatTemplate: ChatTemplate | null;
  readonly admissions: Admissions;
  /** A stream's last event went out (e: the error it ended with): records its duration and any cancellation. */
  streamEnded(t0: number, e: ApiError | null): void;
}

/** Bounds the requests admitted but still waiting for their first token; one more gets 429 with Retry-After. */
export class Admissions {
  waiting = 0;
  constructor(readonly maxQueue: number) {}

  /** Admit a request (counted as waiting until started() or done()); throws the 429 when the line is full. */
  admit(): { started(): void; done(): void } {
    if (this.waiting >= this.maxQueue)
      throw new ApiError(429, "rate_limit_error", `The server is busy: ${this.waiting} requests are already waiting (max_queue ${this.maxQueue}). Retry after a second.`, null, "rate_limit_exceeded", { "Retry-After": "1" });
    this.waiting++;
    let counted = true;
    const leave = () => {
      if (counted) this.waiting--;
      counted = false;
    };
    return { started: leave, done: leave };
  }
}

/** 404 unless the request names the served model. */
export function checkModel(ctx: ServerContext, model: string): void {
  if (model !== ctx.model)
    throw new ApiError(404, "invalid_request_error", `The model \`${model}\` does not exist. This server serves \`${ctx.model}\` (see GET /v1/models).`, "model", "model_not_found");
}

/** A prompt (text or ids) as ids; an empty one becomes the first end token (<|endoftext|>), as in training. */
export function promptIds(ctx: ServerContext, p: string | readonly number[], param: string): number[] {
  const { engine } = ctx;
  const ids = typeof p === "string" ? engine.tokenize(p) : [...p];
  const bad = ids.findIndex((t) => t >= engine.vocabSize);
  if (bad >= 0) throw invalid(`${param}[${bad}]`, `Token id ${ids[bad]} at ${param}[${bad}] is outside this model's vocabulary (ids 0..${engine.vocabSize - 1}).`, "invalid_value");
  return ids.length ? ids : [engine.endTokens[0]];
}

/** 400s naming the numbers when max_tokens passes the cap or prompt + max_tokens passes the context. */
export function checkLength(ctx: ServerContext, promptTokens: number, maxTokens: number, param: string): void {
  if (maxTokens > ctx.maxTokensCap) throw invalid("max_tokens", `max_tokens is ${maxTokens}, but this server allows at most ${ctx.maxTokensCap}.`, "invalid_value");
  const T = ctx.engine.contextLength;
  if (promptTokens + maxTokens > T)
    throw invalid(param, `This model's maximum context length is ${T} tokens, however you requested ${promptTokens + maxTokens} tokens (${promptTokens} in your prompt; ${maxTokens} for the completion). Please reduce your prompt; or completion length.`, "context_length_exceeded");
}

/** The client went away: nobody reads the answer (metrics count it as 499). */
export class ClientGoneError extends Error {
  override readonly name = "ClientGoneError";
  constructor() {
    super("the client disconnected before the answer was complete");
  }
}

/** The request's signal: aborts when the client disconnects, when cancel() is called, or after timeoutMs. */
export function requestSignal(req: Request, timeoutMs: number): { signal: AbortSignal; cancel(): void; check(): void; dispose(): void } {
  const ctrl = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    ctrl.abort(new Error(`timed out after ${timeoutMs} ms`));
  }, timeoutMs);
  const signal = AbortSignal.any([req.signal, ctrl.signal]);
  return {
    signal,
    cancel: () => ctrl.abort(new ClientGoneError()),
    /** After the engine returns: throws what cut the request short, if anything did. */
    check: () => {
      if (timedOut)
        throw new ApiError(504, "server_error", `The request took longer than the server's limit of ${timeoutMs} ms and was cancelled. Ask for fewer max_tokens, or start the server with a longer requestTimeoutMs.`, null, "timeout");
      if (signal.aborted) throw new ClientGoneError();
    },
    /** The request is over: drop the timer. */
    dispose: () => clearTimeout(timer),
  };
}
