// startServer: an OpenAI-compatible HTTP server on Bun.serve in front of one or more ServingEngines. Routes: GET /
// (the chat page, page.ts), GET /health, GET /metrics (Prometheus), GET /v1/models, POST /v1/completions,
// POST /v1/chat/completions (routed by the request's `model`), POST /v1/ratings (the page's blind votes, ratings.ts).
// Binds 127.0.0.1 unless told otherwise; API key, body, queue, max_tokens and time limits; every error is OpenAI's
// JSON error object.
import { bearerCheck } from "./auth.ts";
import { chatCompletions } from "./chat.ts";
import { completions } from "./completions.ts";
import { Admissions, type ChatTemplate, ClientGoneError, type ServerContext } from "./context.ts";
import type { EngineStats, ServingEngine } from "./engine.ts";
import { ApiError, ServerConfigError, invalid, toApiError } from "./errors.ts";
import { ServerMetrics } from "./metrics.ts";
import { PAGE_ROUTES, pageResponse } from "./page.ts";
import { ratingsRoute } from "./ratings.ts";
import { parseChat, parseCompletion } from "./validate.ts";

/** One model of a server that serves several (a recipe's stages, two recipes to compare). */
export interface ServedModel {
  /** The id clients name as `model` (and GET /v1/models lists); ratings record it. @example "sft" */
  readonly id: string;
  readonly engine: ServingEngine;
  /** Renders chat messages into a prompt; null or absent for a base model (contents joined by newlines). */
  readonly chatTemplate?: ChatTemplate | null;
}

export interface ServerOptions {
  /** The one model's engine (with `model`); give `models` instead to serve several. */
  readonly engine?: ServingEngine;
  /** The model id clients name (and GET /v1/models lists). @example "tiny-shakespeare" */
  readonly model?: string;
  /**
   * Several models, each with its own engine; a request goes to the one its `model` names, and GET /v1/models lists
   * them in this order (the page's picker does too). Give this or `engine` + `model`, not both.
   */
  readonly models?: readonly ServedModel[];
  /** Address to bind. @default "127.0.0.1" */
  readonly host?: string;
  /** Port; 0 picks a free one (see the returned url). @default 8000 */
  readonly port?: number;
  /** When set, /v1/ routes need `Authorization: Bearer <apiKey>` (401 otherwise). /, /health and /metrics stay open. */
  readonly apiKey?: string;
  /** Largest request body; a larger one gets 413. @default 4 MiB */
  readonly maxBodyBytes?: number;
  /** Most admitted requests still waiting for their first token; one more gets 429 with Retry-After. @default 64 */
  readonly maxQueue?: number;
  /** Largest max_tokens a request may ask for. @default each engine's context length */
  readonly maxTokensCap?: number;
  /** A generation request running longer is cancelled (504, or an error event in a stream). @default 600000 */
  readonly requestTimeoutMs?: number;
  /** Renders chat messages into a prompt for `engine`; null or absent for a base model. (`models` carry their own.) */
  readonly chatTemplate?: ChatTemplate | null;
  /**
   * The ratings file (JSONL, the one `lathe rate` appends to and `lathe eval` reads) where POST /v1/ratings appends
   * the page's blind pairwise votes. Absent: the route answers 404 and nothing is written.
   * @example "ratings/brown-gpt.jsonl"
   */
  readonly ratingsFile?: string;
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

const ROUTES = new Set(["/", "/health", "/metrics", "/v1/models", "/v1/completions", "/v1/chat/completions", "/v1/ratings"]);

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const log = opts.log ?? ((line: string) => console.error(line));
  const contexts = serverContexts(opts, log);
  const [first] = contexts;
  const byId = new Map(contexts.map((c) => [c.model, c]));
  const ids = contexts.map((c) => c.model);
  const { metrics } = first;
  const maxBody = positive("maxBodyBytes", opts.maxBodyBytes ?? 4 * 1024 * 1024);
  const auth = opts.apiKey === undefined ? null : bearerCheck(opts.apiKey);
  const created = Math.floor(Date.now() / 1000);
  const ratings = ratingsRoute(opts.ratingsFile ?? null, ids);

  /** The context of the model a generation request names. With one model its handler answers every bad `model`. */
  const pick = (raw: unknown, parse: (raw: unknown) => unknown): ServerContext => {
    const id = typeof raw === "object" && raw !== null ? (raw as { model?: unknown }).model : undefined;
    const ctx = typeof id === "string" ? byId.get(id) : undefined;
    if (ctx || contexts.length === 1 || typeof id !== "string" || id === "") return ctx ?? first;
    parse(raw); // a malformed request is a 400 before its unknown model is a 404, as with one model
    throw unknownModel(id, ids);
  };

  const route = async (req: Request, path: string, t0: number): Promise<Response> => {
    if (PAGE_ROUTES.has(path)) return get(req, () => pageResponse(path));
    if (path === "/health") return get(req, () => Response.json({ status: "ok", model: first.model, ...(ids.length > 1 ? { models: ids } : {}), ...engineStats(contexts) }));
    if (path === "/metrics") return get(req, () => new Response(metrics.render(), { headers: { "Content-Type": "text/plain; version=0.0.4; charset=utf-8" } }));
    if (!path.startsWith("/v1/")) throw notFound(req, path);
    auth?.(req);
    if (path === "/v1/models") return get(req, () => Response.json({ object: "list", data: contexts.map((c) => modelCard(c, created)) }));
    if (path.startsWith("/v1/models/")) {
      const id = decodeURIComponent(path.slice("/v1/models/".length));
      const ctx = byId.get(id);
      if (!ctx) throw unknownModel(id, ids);
      return get(req, () => Response.json(modelCard(ctx, created)));
    }
    if (path === "/v1/completions") {
      const raw = await jsonBody(req, maxBody);
      return completions(pick(raw, parseCompletion), req, raw, t0);
    }
    if (path === "/v1/chat/completions") {
      const raw = await jsonBody(req, maxBody);
      return chatCompletions(pick(raw, parseChat), req, raw, t0);
    }
    if (path === "/v1/ratings") {
      post(req);
      ratings.check();
      return ratings.post(await jsonBody(req, maxBody));
    }
    throw notFound(req, path);
  };

  const server = Bun.serve({
    hostname: opts.host ?? "127.0.0.1",
    port: opts.port ?? 8000,
    maxRequestBodySize: maxBody * 2 + 1024 * 1024, // a backstop: jsonBody answers 413 first
    idleTimeout: Math.ceil(first.requestTimeoutMs / 1000) + 5 > 255 ? 0 : Math.ceil(first.requestTimeoutMs / 1000) + 5,
    async fetch(req) {
      const t0 = performance.now();
      const path = new URL(req.url).pathname;
      let res: Response;
      try {
        res = await route(req, path, t0);
      } catch (e) {
        res = errorResponse(e, log);
      }
      const label = ROUTES.has(path) ? path : path.startsWith("/v1/models/") ? "/v1/models/:id" : PAGE_ROUTES.has(path) ? "/page/:file" : "other";
      metrics.requests.inc({ route: label, status: String(res.status) });
      if (res.status === 499) metrics.cancelled.inc({ reason: "disconnect" });
      if (res.status === 504) metrics.cancelled.inc({ reason: "timeout" });
      if (!res.headers.get("Content-Type")?.startsWith("text/event-stream")) metrics.duration.observe((performance.now() - t0) / 1000);
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

/** The served models from either form of the options, checked: at least one, ids non-empty and distinct. */
function servedModels(opts: ServerOptions): ServedModel[] {
  const single = opts.engine !== undefined || opts.model !== undefined;
  if (opts.models !== undefined && single)
    throw new ServerConfigError("models", "is given together with engine/model", "give `engine` and `model` for one model, or `models` for several, not both");
  if (opts.models === undefined) {
    if (!opts.model) throw new ServerConfigError("model", "is empty", "give the id clients will send as `model` (the recipe's name)");
    if (!opts.engine) throw new ServerConfigError("engine", "is missing", "give the ServingEngine that serves `model` (hostEngine(...))");
    return [{ id: opts.model, engine: opts.engine, chatTemplate: opts.chatTemplate ?? null }];
  }
  if (opts.models.length === 0) throw new ServerConfigError("models", "is empty", "give at least one { id, engine }");
  const seen = new Set<string>();
  opts.models.forEach((m, i) => {
    if (!m.id) throw new ServerConfigError(`models[${i}].id`, "is empty", "give the id clients will send as `model` (the stage or recipe name)");
    if (seen.has(m.id)) throw new ServerConfigError(`models[${i}].id`, `repeats "${m.id}"`, "give each model its own id");
    seen.add(m.id);
  });
  return [...opts.models];
}

/** One context per served model; they share the metrics, the admission line and the limits. */
function serverContexts(opts: ServerOptions, log: (line: string) => void): ServerContext[] {
  const models = servedModels(opts);
  const admissions = new Admissions(positive("maxQueue", opts.maxQueue ?? 64));
  const metrics = new ServerMetrics(() => engineStats(models), () => admissions.waiting);
  const cancelled = metrics.cancelled;
  const requestTimeoutMs = positive("requestTimeoutMs", opts.requestTimeoutMs ?? 600_000);
  const cap = opts.maxTokensCap === undefined ? undefined : positive("maxTokensCap", opts.maxTokensCap);
  return models.map((m) => ({
    engine: m.engine,
    model: m.id,
    metrics,
    admissions,
    maxTokensCap: cap ?? positive("maxTokensCap", m.engine.contextLength),
    requestTimeoutMs,
    chatTemplate: m.chatTemplate ?? null,
    streamEnded(t0, e) {
      metrics.duration.observe((performance.now() - t0) / 1000);
      if (e?.cause instanceof ClientGoneError) cancelled.inc({ reason: "disconnect" });
      else if (e?.code === "timeout") cancelled.inc({ reason: "timeout" });
      else if (e && e.status >= 500) logInternal(log, e.cause);
    },
  }));
}

/** The engines' stats summed (one engine: its own). */
function engineStats(models: readonly { readonly engine: ServingEngine }[]): EngineStats {
  const all = models.map((m) => m.engine.stats());
  return all.reduce((s, x) => ({ running: s.running + x.running, queued: s.queued + x.queued, batch: s.batch + x.batch }));
}

function unknownModel(id: string, ids: readonly string[]): ApiError {
  const served = ids.length === 1 ? `This server serves \`${ids[0]}\`.` : `This server serves ${ids.map((x) => `\`${x}\``).join(", ")} (see GET /v1/models).`;
  return new ApiError(404, "invalid_request_error", `The model \`${id}\` does not exist. ${served}`, "model", "model_not_found");
}

function positive(option: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) throw new ServerConfigError(option, `is ${v}`, "give a positive integer");
  return v;
}

function modelCard(ctx: ServerContext, created: number) {
  return { id: ctx.model, object: "model", created, owned_by: "lathe", max_model_len: ctx.engine.contextLength };
}

function post(req: Request): void {
  if (req.method !== "POST") throw new ApiError(405, "invalid_request_error", `${req.method} is not allowed here; use POST.`, null, "method_not_allowed", { Allow: "POST" });
}

function get(req: Request, answer: () => Response): Response {
  if (req.method !== "GET") throw new ApiError(405, "invalid_request_error", `${req.method} is not allowed here; use GET.`, null, "method_not_allowed", { Allow: "GET" });
  return answer();
}

function notFound(req: Request, path: string): ApiError {
  return new ApiError(404, "not_found_error", `Unknown route: ${req.method} ${path}. Routes: GET / (the chat page), GET /v1/models, POST /v1/completions, POST /v1/chat/completions, POST /v1/ratings, GET /health, GET /metrics.`, null, "not_found");
}

/** The body as JSON, refusing more than maxBody bytes (413) before or while reading it, and bad JSON (400). */
async function jsonBody(req: Request, maxBody: number): Promise<unknown> {
  post(req);
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
