// POST /v1/chat/completions: messages rendered by the chat template (or, for a base model, their contents joined by
// newlines) and continued like a completion; answered as chat.completion, or streamed as chat.completion.chunk
// (a first delta with the role, content deltas, a last delta with finish_reason).
import { randomUUID } from "node:crypto";
import { type ServerContext, checkLength, checkModel, promptIds, requestSignal } from "./context.ts";
import { invalid } from "./errors.ts";
import { runChoice } from "./generate.ts";
import { chatLogprobs } from "./logprobs.ts";
import { sseResponse } from "./sse.ts";
import { type ChatMessage, parseChat } from "./validate.ts";

/** A base model's chat prompt: the messages' contents, one per line. */
export function plainChatPrompt(messages: readonly ChatMessage[]): string {
  return messages.map((m) => m.content).join("\n");
}

export async function chatCompletions(ctx: ServerContext, req: Request, raw: unknown, t0: number): Promise<Response> {
  const r = parseChat(raw);
  checkModel(ctx, r.model);
  const prompt = promptIds(ctx, (ctx.chatTemplate ?? plainChatPrompt)(r.messages), "messages");
  const room = ctx.engine.contextLength - prompt.length;
  if (r.maxTokens === null && room < 1) checkLength(ctx, prompt.length, 1, "messages");
  const maxTokens = r.maxTokens ?? Math.min(ctx.maxTokensCap, room);
  if (maxTokens === 0) throw invalid("max_tokens", "max_tokens must be at least 1 for a chat completion.", "invalid_value");
  checkLength(ctx, prompt.length, maxTokens, "messages");
  const ticket = ctx.admissions.admit();
  const rs = requestSignal(req, ctx.requestTimeoutMs);
  const head = { id: `chatcmpl-${randomUUID().replaceAll("-", "")}`, object: "chat.completion", created: Math.floor(Date.now() / 1000), model: ctx.model };
  const chunkHead = { ...head, object: "chat.completion.chunk" };
  ctx.metrics.promptTokens.inc({}, prompt.length);

  const one = async (index: number, send?: (c: unknown) => void) => {
    const chunk = (delta: Record<string, string>, logprobs: unknown, finish: string | null) =>
      send?.({ ...chunkHead, choices: [{ index, delta, logprobs, finish_reason: finish }] });
    chunk({ role: "assistant", content: "" }, null, null);
    const end = await runChoice(
      ctx.engine,
      { prompt, maxTokens, temperature: r.temperature, topP: r.topP, topK: r.topK, stop: r.stop, logprobs: r.logprobs, signal: rs.signal, ...(r.seed === undefined ? {} : { seed: r.seed + index }) },
      {
        onToken: (k, s) => {
          ctx.metrics.generatedTokens.inc();
          if (k > 0) return ctx.metrics.perToken.observe(s);
          ticket.started();
          ctx.metrics.ttft.observe(s);
        },
        onDelta: (d) => chunk({ content: d.text }, r.logprobs === null ? null : chatLogprobs(ctx.engine, d.tokens), null),
      },
    );
    rs.check();
    chunk({}, null, end.finishReason);
    return {
      choice: { index, message: { role: "assistant", content: end.text, refusal: null }, logprobs: r.logprobs === null ? null : chatLogprobs(ctx.engine, end.tokens), finish_reason: end.finishReason },
      tokens: end.completionTokens,
    };
  };

  const all = async (send?: (c: unknown) => void) => {
    try {
      const done = await Promise.all(Array.from({ length: r.n }, (_, j) => one(j, send)));
      const completionTokens = done.reduce((s, d) => s + d.tokens, 0);
      return { choices: done.map((d) => d.choice), usage: { prompt_tokens: prompt.length, completion_tokens: completionTokens, total_tokens: prompt.length + completionTokens } };
    } catch (e) {
      rs.cancel();
      throw e;
    } finally {
      ticket.done();
      rs.dispose();
    }
  };

  if (!r.stream) return Response.json({ ...head, ...(await all()) });
  return sseResponse(
    async (send) => {
      const { usage } = await all(send);
      if (r.includeUsage) send({ ...chunkHead, choices: [], usage });
    },
    rs.cancel,
    (e) => ctx.streamEnded(t0, e),
  );
}
