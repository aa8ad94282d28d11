// generate_until on a TokenScorer: the context is left-truncated to leave room for maxTokens (as HFLM does, when T > maxTokens),
// generation is greedy unless a temperature is given, stops once a stop string (or <|endoftext|>) appears, and the
// text is cut before the first stop string.
import type { Decoder, TokenScorer } from "@lathe/model";
import { StreamDecoder, type Tokenizer } from "@lathe/tokenizer";
import { LMRequestError } from "./errors.ts";
import type { GenerateRequest } from "./types.ts";

export interface Generator {
  readonly scorer: TokenScorer;
  readonly eot: number;
  readonly tokenizer: Tokenizer;
  /** A batched decoder over the same model (gpt): greedy requests then decode together, over a KV cache. */
  readonly decoder?: Decoder;
  encode(text: string): number[];
}

export async function generateUntil(lm: Generator, reqs: readonly GenerateRequest[]): Promise<string[]> {
  // Batched when every request is greedy and fits the context with its prompt (past it, the scorer slides its window).
  if (lm.decoder && reqs.every((r) => !r.temperature && r.maxTokens < lm.decoder!.context)) return generateBatched(lm, lm.decoder, reqs);
  const { scorer, tokenizer } = lm;
  const eotText = tokenizer.decode([lm.eot]);
  const out: string[] = [];
  for (const [i, r] of reqs.entries()) {
    if (!(Number.isInteger(r.maxTokens) && r.maxTokens >= 1))
      throw new LMRequestError("generateUntil", i, `maxTokens must be a positive integer (got ${r.maxTokens})`, "ask for at least one token");
    const stops = [...r.until.filter((s) => s.length > 0), ...(eotText ? [eotText] : [])];
    const longest = Math.max(0, ...stops.map((s) => s.length));
    let prompt = lm.encode(r.context);
    if (prompt.length === 0) prompt = [lm.eot];
    if (scorer.context > r.maxTokens) prompt = prompt.slice(-(scorer.context - r.maxTokens)); // else the scorer's own truncation
    const decoder = new StreamDecoder(tokenizer);
    let text = "";
    let seen = 0;
    const ids = await scorer.generate(prompt, {
      maxTokens: r.maxTokens,
      temperature: r.temperature ?? 0,
      ...(r.seed !== undefined ? { seed: r.seed } : {}),
      stop: (generated) => {
        const before = text.length;
        for (; seen < generated.length; seen++) text += decoder.push(generated[seen]);
        if (generated.at(-1) === lm.eot) return true;
        const tail = text.slice(Math.max(0, before - longest + 1));
        return stops.some((s) => tail.includes(s));
      },
    });
    out.push(cutAtStops(tokenizer.decode(ids.slice(0, r.maxTokens)), stops));
  }
  return out;
}

/**
 * The same greedy generations as the scorer loop above, all requests in the decoder's batch at once (continuous
 * batching over a paged KV cache): a sequence stops at eot, at maxTokens, or once a stop string appears in its text
 * (then it is cancelled), and its text is cut before the first stop string.
 */
async function generateBatched(lm: Generator, decoder: Decoder, reqs: readonly GenerateRequest[]): Promise<string[]> {
  const { tokenizer } = lm;
  const eotText = tokenizer.decode([lm.eot]);
  type Live = { tokens: number[]; text: string; stream: StreamDecoder; stops: string[]; longest: number; done: boolean; max: number };
  const live = new Map<number, Live>();
  const order: Live[] = reqs.map((r, i) => {
    if (!(Number.isInteger(r.maxTokens) && r.maxTokens >= 1))
      throw new LMRequestError("generateUntil", i, `maxTokens must be a positive integer (got ${r.maxTokens})`, "ask for at least one token");
    const stops = [...r.until.filter((s) => s.length > 0), ...(eotText ? [eotText] : [])];
    let prompt = lm.encode(r.context);
    if (prompt.length === 0) prompt = [lm.eot];
    const room = r.maxTokens; // < context (checked by the caller)
    prompt = prompt.slice(-(decoder.context - room)); // leave room for the answer, as the scorer loop does
    const l: Live = { tokens: [], text: "", stream: new StreamDecoder(tokenizer), stops, longest: Math.max(0, ...stops.map((s) => s.length)), done: false, max: r.maxTokens };
    live.set(decoder.add(prompt, { maxTokens: room, temperature: 0 }), l);
    return l;
  });
  let left = order.length;
  while (left > 0) {
    for (const ev of await decoder.step()) {
      const l = live.get(ev.id);
      if (!l || l.done) continue;
      if (ev.token >= 0) {
        const before = l.text.length;
        l.tokens.push(ev.token);
        l.text += l.stream.push(ev.token);
        const tail = l.text.slice(Math.max(0, before - l.longest + 1));
        if (!ev.done && (ev.token === lm.eot || l.stops.some((s) => tail.includes(s)))) {
          decoder.cancel(ev.id);
          l.done = true;
          left--;
          continue;
        }
      }
      if (ev.done) {
        l.done = true;
        left--;
      }
    }
  }
  return order.map((l) => cutAtStops(tokenizer.decode(l.tokens.slice(0, l.max)), l.stops));
}

/** The text before the earliest occurrence of any stop string (the harness splits on each in turn: the same). */
export function cutAtStops(text: string, stops: readonly string[]): string {
  let end = text.length;
  for (const s of stops) {
    if (s.length === 0) continue;
    const at = text.indexOf(s);
    if (at >= 0 && at < end) end = at;
  }
  return text.slice(0, end);
}
