// Log-probabilities in OpenAI's two shapes: the completions one (parallel arrays tokens / token_logprobs /
// top_logprobs dicts / text_offset, where an echoed prompt's first token has null) and the chat one (content: a list
// of {token, logprob, bytes, top_logprobs}).
import type { PromptTokenScore, ServingEngine, TokenLogprob } from "./engine.ts";
import type { ChoiceToken } from "./generate.ts";
import { IncrementalText } from "./text.ts";

export interface CompletionLogprobs {
  tokens: string[];
  token_logprobs: (number | null)[];
  top_logprobs: (Record<string, number> | null)[];
  text_offset: number[];
}

export interface ChatTokenLogprob {
  token: string;
  logprob: number;
  bytes: number[];
  top_logprobs: { token: string; logprob: number; bytes: number[] }[];
}

const enc = new TextEncoder();

/** The alternatives as a dict keyed by token text (the chosen token included); the likelier wins a shared key. */
function topDict(engine: ServingEngine, top: readonly TokenLogprob[], chosen: TokenLogprob): Record<string, number> {
  const d: Record<string, number> = {};
  for (const t of [...top, chosen]) {
    const k = engine.detokenize([t.token]);
    if (!(k in d)) d[k] = t.logprob;
  }
  return d;
}

/** An echoed prompt's entries: its tokens, their scores, offsets into the prompt's text. */
export function promptLogprobs(engine: ServingEngine, ids: readonly number[], scores: readonly PromptTokenScore[]): CompletionLogprobs {
  const inc = new IncrementalText((x) => engine.detokenize(x));
  let offset = 0;
  const out: CompletionLogprobs = { tokens: [], token_logprobs: [], top_logprobs: [], text_offset: [] };
  ids.forEach((id, i) => {
    const s = scores[i];
    out.tokens.push(engine.detokenize([id]));
    out.token_logprobs.push(s.logprob);
    out.top_logprobs.push(s.logprob === null ? null : topDict(engine, s.top, { token: id, logprob: s.logprob }));
    out.text_offset.push(offset);
    offset += inc.push(id).length;
  });
  return out;
}

/** Generated tokens' entries; offsets shifted by `base` (the echoed prompt's text length). */
export function generatedLogprobs(engine: ServingEngine, tokens: readonly ChoiceToken[], base = 0): CompletionLogprobs {
  return {
    tokens: tokens.map((t) => t.text),
    token_logprobs: tokens.map((t) => t.logprob),
    top_logprobs: tokens.map((t) => topDict(engine, t.top, t)),
    text_offset: tokens.map((t) => base + t.offset),
  };
}

export function concatLogprobs(a: CompletionLogprobs, b: CompletionLogprobs): CompletionLogprobs {
  return {
    tokens: [...a.tokens, ...b.tokens],
    token_logprobs: [...a.token_logprobs, ...b.token_logprobs],
    top_logprobs: [...a.top_logprobs, ...b.top_logprobs],
    text_offset: [...a.text_offset, ...b.text_offset],
  };
}

export function chatLogprobs(engine: ServingEngine, tokens: readonly ChoiceToken[]): { content: ChatTokenLogprob[] } {
  const entry = (token: number, logprob: number) => {
    const text = engine.detokenize([token]);
    return { token: text, logprob, bytes: Array.from(enc.encode(text)) };
  };
  return { content: tokens.map((t) => ({ ...entry(t.token, t.logprob), top_logprobs: t.top.map((a) => entry(a.token, a.logprob)) })) };
}
