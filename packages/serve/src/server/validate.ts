// Request bodies of /v1/completions and /v1/chat/completions → typed requests. Unknown fields, wrong types and values
// out of range are 400s naming the field (OpenAI's wording where it has one). OpenAI fields the engine cannot honour
// are accepted only at their neutral value (presence_penalty 0, logit_bias {}), so a client sending defaults works.
import { invalid } from "./errors.ts";

/** Most alternatives per token a client may ask for (logprobs, top_logprobs). */
export const MAX_TOP_LOGPROBS = 20;
/** Most choices per prompt (n). */
export const MAX_N = 16;
/** Most stop strings per request. */
export const MAX_STOP = 16;

export interface SamplingRequest {
  readonly model: string;
  /** null: the route's default (16 for completions, what fits the context for chat). */
  readonly maxTokens: number | null;
  readonly temperature: number;
  readonly topP: number;
  readonly topK: number;
  readonly seed: number | undefined;
  readonly n: number;
  readonly stop: readonly string[];
  readonly stream: boolean;
  /** stream_options.include_usage: a last chunk with usage and no choices. */
  readonly includeUsage: boolean;
}

export interface CompletionRequest extends SamplingRequest {
  /** One entry per prompt: text, or token ids. */
  readonly prompts: readonly (string | readonly number[])[];
  /** Alternatives per token; null = no logprobs. */
  readonly logprobs: number | null;
  readonly echo: boolean;
}

export interface ChatMessage {
  readonly role: "system" | "developer" | "user" | "assistant";
  readonly content: string;
}

export interface ChatRequest extends SamplingRequest {
  readonly messages: readonly ChatMessage[];
  /** Alternatives per token; null = no logprobs. */
  readonly logprobs: number | null;
}

type Body = Record<string, unknown>;

const SAMPLING = ["model", "max_tokens", "temperature", "top_p", "top_k", "n", "stop", "seed", "stream", "stream_options", "user", "presence_penalty", "frequency_penalty", "logit_bias"];
const COMPLETION_FIELDS = new Set([...SAMPLING, "prompt", "logprobs", "echo", "best_of", "suffix"]);
const CHAT_FIELDS = new Set([...SAMPLING, "messages", "max_completion_tokens", "logprobs", "top_logprobs", "response_format"]);
const ROLES = new Set(["system", "developer", "user", "assistant"]);

/** The parsed JSON body must be an object with only known fields. */
function fields(body: unknown, known: ReadonlySet<string>): Body {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw invalid(null, `The request body must be a JSON object, but got ${kindOf(body)}.`);
  for (const k of Object.keys(body)) if (!known.has(k)) throw invalid(k, `Unrecognized request argument supplied: ${k}`, "unknown_parameter");
  return body as Body;
}

export function parseCompletion(raw: unknown, maxN = MAX_N): CompletionRequest {
  const b = fields(raw, COMPLETION_FIELDS);
  const base = sampling(b, maxN);
  neutral(b, "suffix", null);
  if (b.best_of !== undefined && b.best_of !== null && b.best_of !== base.n) throw invalid("best_of", `best_of must equal n (${base.n}): this server does not rank candidates, but got ${JSON.stringify(b.best_of)}.`);
  return {
    ...base,
    prompts: prompts(b.prompt),
    logprobs: optInt(b, "logprobs", 0, MAX_TOP_LOGPROBS),
    echo: bool(b, "echo", false),
  };
}

export function parseChat(raw: unknown, maxN = MAX_N): ChatRequest {
  const b = fields(raw, CHAT_FIELDS);
  if (b.max_tokens != null && b.max_completion_tokens != null) throw invalid("max_completion_tokens", "Give max_tokens or max_completion_tokens, not both.");
  const base = sampling({ ...b, max_tokens: b.max_tokens ?? b.max_completion_tokens }, maxN);
  const rf = b.response_format;
  if (rf != null && (typeof rf !== "object" || (rf as Body).type !== "text"))
    throw invalid("response_format", `Only response_format {"type": "text"} is supported, but got ${JSON.stringify(rf)}.`);
  const want = bool(b, "logprobs", false);
  const top = optInt(b, "top_logprobs", 0, MAX_TOP_LOGPROBS);
  if (top !== null && !want) throw invalid("top_logprobs", "top_logprobs needs logprobs: true.");
  return { ...base, messages: messages(b.messages), logprobs: want ? (top ?? 0) : null };
}

function sampling(b: Body, maxN: number): SamplingRequest {
  if (typeof b.model !== "string" || b.model === "") throw invalid("model", b.model === undefined ? "You must provide a model parameter." : `Invalid type for 'model': expected a string, but got ${kindOf(b.model)} instead.`);
  neutral(b, "presence_penalty", 0);
  neutral(b, "frequency_penalty", 0);
  if (b.logit_bias != null && (typeof b.logit_bias !== "object" || Object.keys(b.logit_bias).length > 0))
    throw invalid("logit_bias", "logit_bias is not supported by this server; send {} or leave it out.");
  if (b.user !== undefined && typeof b.user !== "string") throw typeError("user", "a string", b.user);
  const stream = bool(b, "stream", false);
  const so = b.stream_options;
  let includeUsage = false;
  if (so != null) {
    if (!stream) throw invalid("stream_options", "stream_options is only allowed when stream is true.");
    if (typeof so !== "object" || Array.isArray(so)) throw typeError("stream_options", "an object", so);
    for (const k of Object.keys(so)) if (k !== "include_usage") throw invalid(`stream_options.${k}`, `Unrecognized request argument supplied: stream_options.${k}`, "unknown_parameter");
    includeUsage = bool(so as Body, "include_usage", false, "stream_options.include_usage");
  }
  const topK = optInt(b, "top_k", -1, Number.MAX_SAFE_INTEGER) ?? 0;
  return {
    model: b.model,
    maxTokens: optInt(b, "max_tokens", 0, Number.MAX_SAFE_INTEGER),
    temperature: num(b, "temperature", 1, 0, 2),
    topP: num(b, "top_p", 1, 0, 1, true),
    topK: Math.max(0, topK), // -1 (vLLM's "off") = 0
    seed: optInt(b, "seed", Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER) ?? undefined,
    n: optInt(b, "n", 1, maxN) ?? 1,
    stop: stops(b.stop),
    stream,
    includeUsage,
  };
}

function prompts(p: unknown): (string | number[])[] {
  const bad = () => invalid("prompt", "prompt must be a string, an array of strings, an array of token ids, or an array of token-id arrays.");
  if (p === undefined) throw invalid("prompt", "You must provide a prompt parameter.");
  if (typeof p === "string") return [p];
  if (!Array.isArray(p) || p.length === 0) throw bad();
  if (p.every((x) => typeof x === "string")) return p as string[];
  if (p.every((x) => typeof x === "number")) return [ids(p, "prompt")];
  if (p.every((x) => Array.isArray(x))) return p.map((x, i) => ids(x as unknown[], `prompt[${i}]`));
  throw bad();
}

function ids(xs: unknown[], param: string): number[] {
  xs.forEach((x, i) => {
    if (typeof x !== "number" || !Number.isInteger(x) || x < 0) throw invalid(`${param}[${i}]`, `Token ids must be non-negative integers, but got ${JSON.stringify(x)} at ${param}[${i}].`);
  });
  if (xs.length === 0) throw invalid(param, `${param} is an empty list of token ids.`);
  return xs as number[];
}

function messages(m: unknown): ChatMessage[] {
  if (m === undefined) throw invalid("messages", "You must provide a messages parameter.");
  if (!Array.isArray(m)) throw typeError("messages", "an array", m);
  if (m.length === 0) throw invalid("messages", "messages must hold at least one message.", "empty_array");
  return m.map((x, i) => {
    const at = `messages[${i}]`;
    if (typeof x !== "object" || x === null || Array.isArray(x)) throw typeError(at, "an object", x);
    for (const k of Object.keys(x)) if (k !== "role" && k !== "content" && k !== "name") throw invalid(`${at}.${k}`, `Unrecognized request argument supplied: ${at}.${k}`, "unknown_parameter");
    const { role, content } = x as Body;
    if (typeof role !== "string" || !ROLES.has(role)) throw invalid(`${at}.role`, `Invalid value for '${at}.role': expected one of ${[...ROLES].join(", ")}, but got ${JSON.stringify(role)}.`);
    return { role: role as ChatMessage["role"], content: contentText(content, `${at}.content`) };
  });
}

/** A message's content: a string, or text parts [{type: "text", text}] joined. */
function contentText(c: unknown, at: string): string {
  if (typeof c === "string") return c;
  if (!Array.isArray(c)) throw typeError(at, "a string or an array of text parts", c);
  return c
    .map((part, j) => {
      const p = part as Body;
      if (typeof p !== "object" || p === null || p.type !== "text" || typeof p.text !== "string") throw invalid(`${at}[${j}]`, `Only text content parts ({"type": "text", "text": "..."}) are supported, but got ${JSON.stringify(part)}.`);
      return p.text;
    })
    .join("");
}

function stops(s: unknown): string[] {
  if (s == null) return [];
  const list = typeof s === "string" ? [s] : s;
  if (!Array.isArray(list) || list.some((x) => typeof x !== "string")) throw typeError("stop", "a string or an array of strings", s);
  if (list.length > MAX_STOP) throw invalid("stop", `At most ${MAX_STOP} stop sequences are allowed, but got ${list.length}.`);
  if (list.some((x) => x === "")) throw invalid("stop", "Stop sequences must not be empty strings.");
  return list as string[];
}

function neutral(b: Body, key: string, value: unknown): void {
  if (b[key] != null && b[key] !== value) throw invalid(key, `${key} is not supported by this server; send ${JSON.stringify(value)} or leave it out, but got ${JSON.stringify(b[key])}.`);
}

function bool(b: Body, key: string, dflt: boolean, param = key): boolean {
  const v = b[key];
  if (v == null) return dflt;
  if (typeof v !== "boolean") throw typeError(param, "a boolean", v);
  return v;
}

function num(b: Body, key: string, dflt: number, min: number, max: number, exclusiveMin = false): number {
  const v = b[key];
  if (v == null) return dflt;
  if (typeof v !== "number" || !Number.isFinite(v)) throw typeError(key, "a number", v);
  if (v < min || (exclusiveMin && v === min)) throw invalid(key, `Invalid '${key}': expected a value ${exclusiveMin ? ">" : ">="} ${min}, but got ${v} instead.`, "invalid_value");
  if (v > max) throw invalid(key, `Invalid '${key}': expected a value <= ${max}, but got ${v} instead.`, "invalid_value");
  return v;
}

function optInt(b: Body, key: string, min: number, max: number): number | null {
  const v = b[key];
  if (v == null) return null;
  if (typeof v !== "number" || !Number.isInteger(v)) throw typeError(key, "an integer", v);
  if (v < min) throw invalid(key, `Invalid '${key}': expected a value >= ${min}, but got ${v} instead.`, "invalid_value");
  if (v > max) throw invalid(key, `Invalid '${key}': expected a value <= ${max}, but got ${v} instead.`, "invalid_value");
  return v;
}

function typeError(param: string, expected: string, got: unknown) {
  return invalid(param, `Invalid type for '${param}': expected ${expected}, but got ${kindOf(got)} instead.`, "invalid_type");
}

function kindOf(v: unknown): string {
  if (v === null) return "null";
  if (v === undefined) return "nothing";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "number") return Number.isInteger(v) ? "an integer" : "a decimal";
  if (typeof v === "object") return "an object";
  return `a ${typeof v}`;
}
