// Intrinsic metrics: counts of the original text (UTF-8 bytes, code points, words) and the NLL of its rolling
// windows, checked against the HostModel scored token by token and the formulas by hand.
import { beforeAll, describe, expect, test } from "bun:test";
import { loadHostModel } from "@lathe/model";
import { byteTokenizer } from "@lathe/tokenizer";
import { intrinsicMetrics, textCounts } from "./intrinsic.ts";
import { LatheLM } from "./lm/lathe-lm.ts";
import { rollingScoreWindows } from "./lm/rolling.ts";
import { cpuScorer, hostWindowScore, TINY_T, tinyModel } from "./lm/test-model.ts";

describe("textCounts", () => {
  test.each([
    ["héllo wörld", 13, 11, 2],
    ["😀 a\tb\n", 9, 6, 3],
    ["  lead  trail  ", 15, 15, 2],
    ["naïve\u3000日本", 15, 8, 2], // ideographic space separates words, as in Python's str.split()
    ["", 0, 0, 0],
  ])("of %j are %i bytes, %i code points, %i words", (text, bytes, chars, words) => {
    expect(textCounts(text)).toEqual({ bytes, chars, words });
  });
});

describe("intrinsicMetrics", () => {
  let trainDir = "";
  beforeAll(async () => {
    trainDir = (await tinyModel()).trainDir;
  });
  const docs = ["Grüße aus Köln — naïve café ✓ 😀 over the lazy dog.", "short", "Jinxed wizards pluck ivy from the big quilt."];

  test("of multi-byte text sums the HostModel's rolling scores and normalizes by the original text", async () => {
    const lm = new LatheLM(await cpuScorer(trainDir), byteTokenizer(["<|endoftext|>"]));
    const m = await intrinsicMetrics(lm, docs);
    const host = loadHostModel(trainDir);
    const enc = new TextEncoder();
    let nll = 0;
    for (const d of docs) for (const w of rollingScoreWindows(Array.from(enc.encode(d)), 256, TINY_T)) nll -= hostWindowScore(host, w).logprobs.reduce((a, b) => a + b, 0);
    // bytes 62 + 5 + 44 (ü ß ö ï é 2 each, — ✓ 3, 😀 4); code points 50 + 5 + 44; words 12 + 1 + 8; byte tokens = bytes
    expect({ docs: m.docs, tokens: m.tokens, bytes: m.bytes, chars: m.chars, words: m.words }).toEqual({ docs: 3, tokens: 111, bytes: 111, chars: 99, words: 21 });
    expect(m.nll).toBeCloseTo(nll, 3);
    expect(Math.log(m.token_perplexity)).toBeCloseTo(nll / 111, 5);
    expect(m.bits_per_byte).toBeCloseTo(nll / 111 / Math.LN2, 5);
    expect(m.byte_perplexity / 2 ** m.bits_per_byte).toBeCloseTo(1, 12);
    expect(Math.log(m.word_perplexity)).toBeCloseTo(nll / 21, 4); // a random model: e^32 per word
    expect(m.bits_per_char).toBeCloseTo(nll / 99 / Math.LN2, 5);
  });

  test("gives the same totals from an async stream split into several calls", async () => {
    const lm = new LatheLM(await cpuScorer(trainDir), byteTokenizer(["<|endoftext|>"]));
    const whole = await intrinsicMetrics(lm, docs);
    async function* stream() {
      yield* docs;
    }
    const split = await intrinsicMetrics(new LatheLM(await cpuScorer(trainDir), byteTokenizer(["<|endoftext|>"])), stream(), { docsPerCall: 2 });
    expect(split.tokens).toBe(whole.tokens);
    expect(split.nll).toBeCloseTo(whole.nll, 9);
  });
});
