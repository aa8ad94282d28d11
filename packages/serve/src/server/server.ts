// startServer: an OpenAI-compatible HTTP server on Bun.serve in front of a ServingEngine. Routes: GET /health,
// GET /metrics (Prometheus), GET /v1/models, POST /v1/completions, POST /v1/chat/completions. Binds 127.0.0.1 unless
// told otherwise; API key, body, queue, max_tokens and time limits; every error is OpenAI's JSON error object.
import { bearerCheck } from "./auth.ts";
import { chatCompletions } from "./chat.ts";
import { completions } from "./completions.ts";
import { Admissions, type ChatTemplate, ClientGoneError, type ServerContext } from "./context.ts";
import type { ServingEngine } from "./engine.ts";
import { ApiError, ServerConfigError, invalid, toApiError } from "./errors.ts";
import { ServerMetrics } from "./metrics.ts";

export interface ServerOptions {
  readonly engine: ServingEngine;
  /** The model id clients name (and GET /v1/models lists). @example "tiny-shakespeare" */
  readonly model: string;
  /** Address to bind. @default "127.0.0.1" */
  readonly host?: string;
  /** Port; 0 picks a free one (see the returned url). @default 8000 */
  readonly port?: number;
  /** When set, /v1/ routes need `Authorization: Bearer <apiKey>` (401 otherwise). /health and /metrics stay open. */
  readonly apiKey?: string;
  /** Largest request body; a larger one gets 413. @default 4 MiB */
  readonly maxBodyBytes?: number;
  /** Most admitted requests still waiting for their first token; one more gets 429 with Retry-After. @default 64 */
  readonly maxQueue?: number;
  /** Largest max_tokens a request may ask for. @default the engine's context length */
  readonly maxTokensCap?: number;
  /** A generation request running longer is cancelled (504, or an error event in a stream). @default 600000 */
  readonly requestTimeoutMs?: number;
  /** Renders chat messages into a prompt; null or absent for a base model (contents joined by newlines). */
  readonly chatTemplate?: ChatTemplate | null;
  /** Where internal errors (500s, with their stacks) are written; never to the client. @default console.error */
  readonly log?: (line: string) => void;
}

export interface RunningServer {
  /** Base URL, e.g. "http://127.0.0.1:8000" (the OpenAI client's baseURL is url + "/v1"). */
  readonly url: string;
  readonly port: number;
  /** Stops listening and closes open connections (streams in flight are cut; their requests abort). */
  stop(): Promise<void>;
}

const ROUTES = new Set(["/health", "/metrics", "/v1/models", "/v1/completions", "/v1/chat/completions"]);

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const log = opts.log ?? ((line: string) => console.error(line));
  const ctx = context(opts, log);
  const maxBody = positive("maxBodyBytes", opts.maxBodyBytes ?? 4 * 1024 * 1024);
  const auth = opts.apiKey === undefined ? null : bearerCheck(opts.apiKey);
  const created = Math.floor(Date.now() / 1000);

  const route = async (req: Request, path: string, t0: number): Promise<Response> => {
    if (path === "/health") return get(req, () => Response.json({ status: "ok", model: ctx.model, ...ctx.engine.stats() }));
    if (path === "/metrics") return get(req, () => new Response(ctx.metrics.render(), { headers: { "Content-Type": "text/plain; version=0.0.4; charset=utf-8" } }));
    if (!path.startsWith("/v1/")) throw notFound(req, path);
    auth?.(req);
    if (path === "/v1/models") return get(req, () => Response.json({ object: "list", data: [modelCard(ctx, created)] }));
    if (path.startsWith("/v1/models/")) {
      const id = decodeURIComponent(path.slice("/v1/models/".length));
      if (id !== ctx.model) throw new ApiError(404, "invalid_request_error", `The model \`${id}\` does not exist. This server serves \`${ctx.model}\`.`, "model", "model_not_found");
      return get(req, () => Response.json(modelCard(ctx, created)));
    }
    if (path === "/v1/completions") return completions(ctx, req, await jsonBody(req, maxBody), t0);
    if (path === "/v1/chat/completions") return chatCompletions(ctx, req, await jsonBody(req, maxBody), t0);
    throw notFound(req, path);
  };

  const server = Bun.serve({
    hostname: opts.host ?? "127.0.0.1",
    port: opts.port ?? 8000,
    maxRequestBodySize: maxBody * 2 + 1024 * 1024, // a backstop: jsonBody answers 413 first
    idleTimeout: Math.ceil(ctx.requestTimeoutMs / 1000) + 5 > 255 ? 0 : Math.ceil(ctx.requestTimeoutMs / 1000) + 5,
    async fetch(req) {
      const t0 = performance.now();
      const path = new URL(req.url).pathname;
      let res: Response;
      try {
        res = await route(req, path, t0);
      } catch (e) {
        res = errorResponse(e, log);
      }
      ctx.metrics.requests.inc({ route: ROUTES.has(path) || path.startsWith("/v1/models/") ? path.replace(/^\/v1\/models\/.+/, "/v1/models/:id") : "other", status: String(res.status) });
      if (res.status === 499) ctx.metrics.cancelled.inc({ reason: "disconnect" });
      if (res.status === 504) ctx.metrics.cancelled.inc({ reason: "timeout" });
      if (!res.headers.get("Content-Type")?.startsWith("text/event-stream")) ctx.metrics.duration.observe((performance.now() - t0) / 1000);
      return res;
    },
    error(e) {
      return errorResponse(e, log);
    },
  });
  return {
    url: `http://${server.hostname}:${server.port}`,
    port: server.port as number,
    stop: () => server.stop(true),
  };
}

function context(opts: ServerOptions, log: (line: string) => void): ServerContext {
  const { engine } = opts;
  if (!opts.model) throw new ServerConfigError("model", "is empty", "give the id clients will send as `model` (the recipe's name)");
  const admissions = new Admissions(positive("maxQueue", opts.maxQueue ?? 64));
  const metrics = new ServerMetrics(() => engine.stats(), () => admissions.waiting);
  const cancelled = metrics.cancelled;
  return {
    engine,
    model: opts.model,
    metrics,
    admissions,
    maxTokensCap: positive("maxTokensCap", opts.maxTokensCap ?? engine.contextLength),
    requestTimeoutMs: positive("requestTimeoutMs", opts.requestTimeoutMs ?? 600_000),
    chatTemplate: opts.chatTemplate ?? null,
    streamEnded(t0, e) {
      metrics.duration.observe((performance.now() - t0) / 1000);
      if (e?.cause instanceof ClientGoneError) cancelled.inc({ reason: "disconnect" });
      else if (e?.code === "timeout") cancelled.inc({ reason: "timeout" });
      else if (e && e.status >= 500) logInternal(log, e.cause);
    },
  };
}

function positive(option: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) throw new ServerConfigError(option, `is ${v}`, "give a positive integer");
  return v;
}

function modelCard(ctx: ServerContext, created: number) {
  return { id: ctx.model, object: "model", created, owned_by: "lathe", max_model_len: ctx.engine.contextLength };
}

function get(req: Request, answer: () => Response): Response {
  if (req.method !== "GET") throw new ApiError(405, "invalid_request_error", `${req.method} is not allowed here; use GET.`, null, "method_not_allowed", { Allow: "GET" });
  return answer();
}

function notFound(req: Request, path: string): ApiError {
  return new ApiError(404, "not_found_error", `Unknown route: ${req.method} ${path}. Routes: GET /v1/models, POST /v1/completions, POST /v1/chat/completions, GET /health, GET /metrics.`, null, "not_found");
}

/** The body as JSON, refusing more than maxBody bytes (413) before or while reading it, and bad JSON (400). */
async function jsonBody(req: Request, maxBody: number): Promise<unknown> {
  if (req.method !== "POST") throw new ApiError(405, "invalid_request_error", `${req.method} is not allowed here; use POST.`, null, "method_not_allowed", { Allow: "POST" });
  const tooLarge = (n: string) => new ApiError(413, "invalid_request_error", `The request body is ${n} bytes; this server accepts at most ${maxBody}.`, null, "request_too_large");
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > maxBody) throw tooLarge(String(declared));
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (req.body) {
    for await (const c of req.body as unknown as AsyncIterable<Uint8Array>) {
      size += c.byteLength;
      if (size > maxBody) throw tooLarge(`over ${maxBody}`);
      chunks.push(c);
    }
  }
  const text = Buffer.concat(chunks).toString("utf8");
  try {
    return JSON.parse(text);
  } catch (e) {
    throw invalid(null, `We could not parse the JSON body of your request (${(e as Error).message}). Send a JSON object with Content-Type: application/json.`, "invalid_json");
  }
}

function errorResponse(e: unknown, log: (line: string) => void): Response {
  if (e instanceof ClientGoneError) return new Response(null, { status: 499 });
  const err = toApiError(e);
  if (err.status >= 500 && err.code !== "timeout") logInternal(log, e);
  return Response.json(err.body(), { status: err.status, headers: err.headers });
}

function logInternal(log: (line: string) => void, e: unknown): void {
  log(`lathe serve: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
}
