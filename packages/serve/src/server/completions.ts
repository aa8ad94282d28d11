// POST /v1/completions: prompts (text, texts, ids, id lists) × n choices, echo with the prompt's own log-probabilities
// (lm-evaluation-harness's local-completions loglikelihood: echo, logprobs 1, max_tokens 0 or 1), stop strings,
// streamed as text_completion chunks or answered whole with usage.
import { randomUUID } from "node:crypto";
import { type ServerContext, checkLength, checkModel, promptIds, requestSignal } from "./context.ts";
import type { PromptTokenScore } from "./engine.ts";
import { runChoice } from "./generate.ts";
import { type CompletionLogprobs, concatLogprobs, generatedLogprobs, promptLogprobs } from "./logprobs.ts";
import { sseResponse } from "./sse.ts";
import { parseCompletion } from "./validate.ts";

/** Default max_tokens of a completion (OpenAI's). */
const DEFAULT_MAX_TOKENS = 16;

interface CompletionChoice {
  text: string;
  index: number;
  logprobs: CompletionLogprobs | null;
  finish_reason: "stop" | "length" | null;
}

export async function completions(ctx: ServerContext, req: Request, raw: unknown, t0: number): Promise<Response> {
  const r = parseCompletion(raw);
  checkModel(ctx, r.model);
  const maxTokens = r.maxTokens ?? Math.min(DEFAULT_MAX_TOKENS, ctx.maxTokensCap);
  const param = (i: number) => (r.prompts.length > 1 ? `prompt[${i}]` : "prompt");
  const prompts = r.prompts.map((p, i) => promptIds(ctx, p, param(i)));
  prompts.forEach((ids, i) => checkLength(ctx, ids.length, maxTokens, param(i)));
  const ticket = ctx.admissions.admit();
  const rs = requestSignal(req, ctx.requestTimeoutMs);
  const head = { id: `cmpl-${randomUUID().replaceAll("-", "")}`, object: "text_completion", created: Math.floor(Date.now() / 1000), model: ctx.model };
  const promptTokens = prompts.reduce((s, p) => s + p.length, 0);
  ctx.metrics.promptTokens.inc({}, promptTokens);
  const scores = new Map<number, Promise<PromptTokenScore[]>>();
  const scoresOf = (i: number) => {
    if (!scores.has(i)) scores.set(i, ctx.engine.scorePrompt(prompts[i], r.logprobs ?? 0, rs.signal));
    return scores.get(i)!;
  };

  /** One choice; `send` streams its chunks. Returns the whole choice and its completion token count. */
  const one = async (i: number, j: number, send?: (c: unknown) => void): Promise<[CompletionChoice, number]> => {
    const index = i * r.n + j;
    const chunk = (text: string, logprobs: CompletionLogprobs | null, finish: CompletionChoice["finish_reason"]) =>
      send?.({ ...head, choices: [{ text, index, logprobs, finish_reason: finish }] });
    const echoText = !r.echo ? "" : typeof r.prompts[i] === "string" ? (r.prompts[i] as string) : ctx.engine.detokenize(prompts[i]);
    const echoLp = r.echo && r.logprobs !== null ? promptLogprobs(ctx.engine, prompts[i], await scoresOf(i)) : null;
    if (r.echo) {
      ticket.started();
      chunk(echoText, echoLp, null);
    }
    const end = await runChoice(
      ctx.engine,
      { prompt: prompts[i], maxTokens, temperature: r.temperature, topP: r.topP, topK: r.topK, stop: r.stop, logprobs: r.logprobs, signal: rs.signal, ...(r.seed === undefined ? {} : { seed: r.seed + j }) },
      {
        onToken: (k, s) => {
          ctx.metrics.generatedTokens.inc();
          if (k > 0) return ctx.metrics.perToken.observe(s);
          ticket.started();
          ctx.metrics.ttft.observe(s);
        },
        onDelta: (d) => chunk(d.text, r.logprobs === null ? null : generatedLogprobs(ctx.engine, d.tokens, echoText.length), null),
      },
    );
    rs.check();
    chunk("", null, end.finishReason);
    const gen = r.logprobs === null ? null : generatedLogprobs(ctx.engine, end.tokens, echoText.length);
    const logprobs = echoLp && gen ? concatLogprobs(echoLp, gen) : gen;
    return [{ text: echoText + end.text, index, logprobs, finish_reason: end.finishReason }, end.completionTokens];
  };

  const all = async (send?: (c: unknown) => void) => {
    try {
      const done = await Promise.all(prompts.flatMap((_, i) => Array.from({ length: r.n }, (_, j) => one(i, j, send))));
      const completionTokens = done.reduce((s, [, n]) => s + n, 0);
      return { choices: done.map(([c]) => c), usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens } };
    } catch (e) {
      rs.cancel(); // the other choices stop too
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
      if (r.includeUsage) send({ ...head, choices: [], usage });
    },
    rs.cancel,
    (e) => ctx.streamEnded(t0, e),
  );
}
