// The engine adapter: runs one choice (one prompt, one sample) on a ServingEngine and turns its tokens into the text
// a client may see (cut multi-byte characters held, stop strings cut), token by token, for both routes and both
// the streamed and the whole answer.
import type { ServingEngine, TokenLogprob } from "./engine.ts";
import { IncrementalText, StopMatcher } from "./text.ts";

export interface ChoiceSpec {
  readonly prompt: readonly number[];
  readonly maxTokens: number;
  readonly temperature: number;
  readonly topP: number;
  readonly topK: number;
  readonly seed?: number;
  readonly stop: readonly string[];
  /** Alternatives per token; null = no logprobs wanted. */
  readonly logprobs: number | null;
  readonly signal: AbortSignal;
}

/** A generated token as a client sees it in logprobs. */
export interface ChoiceToken {
  readonly token: number;
  /** The token's own text (detokenize([token])). */
  readonly text: string;
  readonly logprob: number;
  readonly top: readonly TokenLogprob[];
  /** Where its text starts in the choice's text (generated part). */
  readonly offset: number;
}

export interface ChoiceDelta {
  readonly text: string;
  /** The tokens behind this delta (an end token has no text; a held character's token comes with empty text). */
  readonly tokens: readonly ChoiceToken[];
}

export interface ChoiceEnd {
  readonly text: string;
  readonly tokens: readonly ChoiceToken[];
  /** "stop": an end token or a stop string; "length": max_tokens reached (or the request was cut short). */
  readonly finishReason: "stop" | "length";
  readonly completionTokens: number;
}

export interface ChoiceHooks {
  /** Each engine token, with the seconds since the previous one (or since the start for the first). */
  onToken?(index: number, seconds: number): void;
  /** Each piece of visible text, as soon as it is safe to show. */
  onDelta?(d: ChoiceDelta): void;
}

export async function runChoice(engine: ServingEngine, spec: ChoiceSpec, hooks: ChoiceHooks = {}): Promise<ChoiceEnd> {
  const inc = new IncrementalText((ids) => engine.detokenize(ids));
  const stop = new StopMatcher(spec.stop);
  const tokens: ChoiceToken[] = [];
  let text = "";
  let finishReason: ChoiceEnd["finishReason"] = "length";
  let count = 0;
  const emit = (d: ChoiceDelta) => {
    text += d.text;
    tokens.push(...d.tokens);
    if (d.text || d.tokens.length) hooks.onDelta?.(d);
  };
  if (spec.maxTokens > 0) {
    const local = new AbortController(); // ends the engine's request when we stop early (a stop string)
    const signal = AbortSignal.any([spec.signal, local.signal]);
    let last = performance.now();
    const stream = engine.submit({
      prompt: spec.prompt, maxTokens: spec.maxTokens, temperature: spec.temperature, topP: spec.topP, topK: spec.topK,
      ...(spec.seed === undefined ? {} : { seed: spec.seed }), stopTokens: engine.endTokens, topLogprobs: spec.logprobs ?? 0, signal,
    });
    try {
      for await (const t of stream) {
        const now = performance.now();
        hooks.onToken?.(count++, (now - last) / 1000);
        last = now;
        const tok: ChoiceToken = { token: t.token, text: engine.detokenize([t.token]), logprob: t.logprob, top: t.top ?? [], offset: text.length };
        const withTok = spec.logprobs === null ? [] : [tok];
        if (engine.endTokens.includes(t.token)) {
          finishReason = "stop";
          emit({ text: "", tokens: withTok });
          break;
        }
        emit({ text: stop.push(inc.push(t.token)), tokens: withTok });
        if (stop.stopped) {
          finishReason = "stop";
          break;
        }
      }
    } finally {
      local.abort();
    }
  }
  if (!stop.stopped) emit({ text: stop.push(inc.flush()) + stop.flush(), tokens: [] });
  if (stop.stopped) finishReason = "stop";
  return { text, tokens, finishReason, completionTokens: count };
}
