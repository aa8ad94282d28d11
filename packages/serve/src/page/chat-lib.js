// The chat page's logic that needs no DOM: OpenAI streaming (SSE) read chunk by chunk, chat messages from the
// history, the blind comparison's seeded A/B order, and the vote POST /v1/ratings records. Served as
// /page/chat-lib.js (an ES module chat.js imports); tested under Bun in chat-lib.test.ts.

/** mulberry32: a small seeded generator of floats in [0, 1). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Which of the two picked models is shown as A in comparison round `round` (0, 1, ...) under `seed`:
 * [0, 1] (the first picked is A) or [1, 0]. The same seed and round give the same order.
 */
export function blindOrder(seed, round) {
  const r = mulberry32((seed ^ Math.imul(round + 1, 0x9e3779b1)) >>> 0)();
  return r < 0.5 ? [0, 1] : [1, 0];
}

/** A fresh 31-bit seed (the page's when the URL gives none: ?seed=N). */
export function randomSeed() {
  return crypto.getRandomValues(new Uint32Array(1))[0] >>> 1;
}

/** The request's messages: the system prompt (when not blank), the earlier turns, then the new user message. */
export function chatMessages(system, history, prompt) {
  const head = system.trim() ? [{ role: "system", content: system }] : [];
  return [...head, ...history.map((m) => ({ role: m.role, content: m.content })), { role: "user", content: prompt }];
}

/** The vote for a finished comparison: systems and outputs in the order shown (A, B); choice "A" | "B" | "tie". */
export function voteBody(round, choice) {
  const winner = choice === "tie" ? "tie" : round.systems[choice === "A" ? 0 : 1];
  return { prompt: round.prompt, systems: [...round.systems], outputs: [...round.outputs], winner };
}

/** An error a server answered (its OpenAI error object's message, or the HTTP status). */
export class ServerError extends Error {
  constructor(message, status, code) {
    super(message);
    this.name = "ServerError";
    this.status = status;
    this.code = code;
  }
}

/** Throws a ServerError with the message of a non-2xx answer. */
export async function checkResponse(res) {
  if (res.ok) return res;
  let message = `HTTP ${res.status}`;
  let code = null;
  try {
    const body = await res.json();
    if (body && body.error) ({ message, code } = body.error);
  } catch {
    // not JSON: keep the status
  }
  throw new ServerError(message, res.status, code);
}

/**
 * Splits SSE text into complete events' data (lines after `data:`, joined by newlines) and the unfinished rest.
 * Events end at a blank line ("\n\n" or "\r\n\r\n").
 */
export function splitSse(buffer) {
  const events = [];
  const parts = buffer.split(/\r?\n\r?\n/);
  const rest = parts.pop();
  for (const part of parts) {
    const data = part.split(/\r?\n/).filter((l) => l.startsWith("data:")).map((l) => l.slice(l[5] === " " ? 6 : 5));
    if (data.length) events.push(data.join("\n"));
  }
  return { events, rest };
}

/**
 * POSTs a streamed chat completion and calls onDelta(text) for each content delta as it arrives. Resolves with
 * the whole text and the finish reason; rejects with a ServerError (an error answer or an error event) or the
 * signal's AbortError.
 */
export async function streamChat({ fetchFn = fetch, url, apiKey, body, signal, onDelta }) {
  const headers = { "Content-Type": "application/json" };
  if (apiKey) headers.Authorization = `Bearer ${apiKey}`;
  const res = await checkResponse(await fetchFn(url, { method: "POST", headers, body: JSON.stringify({ ...body, stream: true }), signal }));
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let text = "";
  let finishReason = null;
  for (;;) {
    const { value, done } = await reader.read();
    buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
    const { events, rest } = splitSse(buffer);
    buffer = rest;
    for (const data of events) {
      if (data === "[DONE]") return { text, finishReason };
      const chunk = JSON.parse(data);
      if (chunk.error) throw new ServerError(chunk.error.message, 200, chunk.error.code);
      const choice = chunk.choices && chunk.choices[0];
      if (!choice) continue;
      if (choice.delta && choice.delta.content) {
        text += choice.delta.content;
        onDelta(choice.delta.content);
      }
      if (choice.finish_reason) finishReason = choice.finish_reason;
    }
    if (done) throw new ServerError("The stream ended before [DONE]: the server stopped or the connection dropped.", 0, null);
  }
}
