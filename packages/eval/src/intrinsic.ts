// Intrinsic metrics of a model on held-out text: total NLL over rolling windows (every token predicted once), and the
// perplexities and bits normalized by tokens, UTF-8 bytes, code points and whitespace-separated words of the text.
import type { LatheLM } from "./lm/lathe-lm.ts";

export interface IntrinsicMetrics {
  readonly docs: number;
  /** Tokens predicted (the text's tokens; the <|endoftext|> prefix of the first window is read, not predicted). */
  readonly tokens: number;
  /** Whitespace-separated words of the original text (Python's str.split()). */
  readonly words: number;
  /** UTF-8 bytes of the original text. */
  readonly bytes: number;
  /** Unicode code points of the original text. */
  readonly chars: number;
  /** Total negative log-likelihood in nats. */
  readonly nll: number;
  /** exp(nll / tokens). */
  readonly token_perplexity: number;
  /** nll / (bytes · ln 2). */
  readonly bits_per_byte: number;
  /** exp(nll / bytes) = 2^bits_per_byte (the harness's byte_perplexity). */
  readonly byte_perplexity: number;
  /** exp(nll / words) (the harness's word_perplexity). */
  readonly word_perplexity: number;
  /** nll / (chars · ln 2). */
  readonly bits_per_char: number;
}

export interface IntrinsicOptions {
  /**
   * Documents per loglikelihoodRolling call (their windows are batched together).
   * @default 64
   */
  readonly docsPerCall?: number;
}

const encoder = new TextEncoder();
/** Whitespace as Python's str.split() sees it (str.isspace). */
const PY_SPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/u;

/** Counts of one text: UTF-8 bytes, code points, whitespace-separated words. */
export function textCounts(text: string): { bytes: number; chars: number; words: number } {
  let chars = 0;
  for (const _ of text) chars++;
  const words = text.split(PY_SPACE).filter((w) => w.length > 0).length;
  return { bytes: encoder.encode(text).length, chars, words };
}

export async function intrinsicMetrics(lm: LatheLM, texts: AsyncIterable<string> | Iterable<string>, opts: IntrinsicOptions = {}): Promise<IntrinsicMetrics> {
  const per = Math.max(1, opts.docsPerCall ?? 64);
  const acc = { docs: 0, tokens: 0, words: 0, bytes: 0, chars: 0, nll: 0 };
  let chunk: string[] = [];
  const flush = async () => {
    for (const r of await lm.loglikelihoodRolling(chunk)) {
      acc.nll -= r.logprob;
      acc.tokens += r.tokens;
    }
    chunk = [];
  };
  for await (const text of texts) {
    const c = textCounts(text);
    acc.docs++;
    acc.words += c.words;
    acc.bytes += c.bytes;
    acc.chars += c.chars;
    chunk.push(text);
    if (chunk.length >= per) await flush();
  }
  if (chunk.length > 0) await flush();
  const { nll } = acc;
  return {
    ...acc,
    token_perplexity: Math.exp(nll / acc.tokens),
    bits_per_byte: nll / (acc.bytes * Math.LN2),
    byte_perplexity: Math.exp(nll / acc.bytes),
    word_perplexity: Math.exp(nll / acc.words),
    bits_per_char: nll / (acc.chars * Math.LN2),
  };
}
