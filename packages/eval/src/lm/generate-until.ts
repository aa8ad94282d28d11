// generate_until on a TokenScorer: the context is left-truncated to leave room for maxTokens (as HFLM does, when T > maxTokens),
// generation is greedy unless a temperature is given, stops once a stop string (or <|endoftext|>) appears, and the
// text is cut before the first stop string.
import type { TokenScorer } from "@lathe/model";
import { StreamDecoder, type Tokenizer } from "@lathe/tokenizer";
import { LMRequestError } from "./errors.ts";
import type { GenerateRequest } from "./types.ts";

export interface Generator {
  readonly scorer: TokenScorer;
  readonly eot: number;
  readonly tokenizer: Tokenizer;
  encode(text: string): number[];
}

export async function generateUntil(lm: Generator, reqs: readonly GenerateRequest[]): Promise<string[]> {
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
