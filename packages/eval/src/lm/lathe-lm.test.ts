// LatheLM follows lm-evaluation-harness: _encode_pair, the truncated window, de-duplication and Collator order,
// generate_until's stop strings. Scores are checked against the HostModel fed token by token.
import { beforeAll, describe, expect, test } from "bun:test";
import { BpeTokenizer, GPT2_PATTERN, byteTokenizer, trainBpe } from "@lathe/tokenizer";
import { type HostModel, loadHostModel, type ScoreWindow } from "@lathe/model";
import { LMSetupError } from "./errors.ts";
import { LatheLM } from "./lathe-lm.ts";
import { countingScorer, cpuScorer, hostWindowScore, TINY_T, tinyModel } from "./test-model.ts";

const bytes = byteTokenizer(["<|endoftext|>"]);
let trainDir = "";
let host: HostModel;
beforeAll(async () => {
  trainDir = (await tinyModel()).trainDir;
  host = loadHostModel(trainDir);
});
const newLM = async (opts = {}) => {
  const scorer = countingScorer(await cpuScorer(trainDir));
  return { scorer, lm: new LatheLM(scorer, bytes, opts) };
};
const sumOf = (w: ScoreWindow) => hostWindowScore(host, w).logprobs.reduce((a, b) => a + b, 0);
const ids = (s: string) => Array.from(new TextEncoder().encode(s));

describe("encodePair", () => {
  const text = "The quick brown fox jumps over the lazy dog. The quick brown fox runs. ".repeat(4);
  const bpe = new BpeTokenizer(trainBpe([text], { pattern: GPT2_PATTERN, vocabSize: 300, specials: ["<|endoftext|>"] }).spec);
  const lm = new LatheLM({ context: 64, vocabSize: 300, eot: 299, digest: "d", backend: "cpu", score: async () => [], generate: async () => [], close: async () => {} }, bpe);

  test.each([
    ["The quick brown ", "fox", "The quick brown", " fox"],
    ["The quick brown", " fox", "The quick brown", " fox"],
    ["lazy dog.\n\n", "The", "lazy dog.", "\n\nThe"],
    ["runs \u00a0", "x", "runs", " \u00a0x"],
  ])("moves the trailing whitespace of %j to the continuation %j", (context, continuation, ctxText, contText) => {
    const pair = lm.encodePair(context, continuation);
    expect(bpe.decode(pair.context)).toBe(ctxText);
    expect(bpe.decode(pair.continuation)).toBe(contText);
    const whole = Array.from(bpe.encode(context + continuation));
    expect([...pair.context, ...pair.continuation]).toEqual(whole); // continuation = whole[len(context_enc):]
  });

  test.each([
    ["", "fox", "fox"],
    ["  ", "fox", "  fox"],
  ])("replaces the empty context left of %j by the end-of-text token", (context, continuation, contText) => {
    expect(lm.encodePair(context, continuation)).toEqual({ context: [299], continuation: Array.from(bpe.encode(contText)) });
  });
});

describe("a LatheLM", () => {
  const scorerOf = (eot: number, vocabSize: number) =>
    ({ context: 8, vocabSize, eot, digest: "d", backend: "cpu", score: async () => [], generate: async () => [], close: async () => {} }) as const;

  test("takes <|endoftext|> from the tokenizer when the scorer does not know it", () => {
    expect(new LatheLM(scorerOf(-1, 257), bytes).eot).toBe(256);
  });

  test.each([
    [scorerOf(-1, 257), byteTokenizer([]), 'LatheLM: the scorer\'s eot id is unknown and the tokenizer has no <|endoftext|>. Hint: pass eot to loadScorer (the tokenizer\'s specialId("<|endoftext|>"))'],
    [scorerOf(0, 100), bytes, "LatheLM: the tokenizer has 257 ids but the model only 100. Hint: use the tokenizer stage the model was trained with"],
  ])("refuses a scorer and tokenizer that do not fit together (%#)", (scorer, tok, message) => {
    expect(() => new LatheLM(scorer, tok)).toThrow(LMSetupError);
    expect(() => new LatheLM(scorer, tok)).toThrow(message);
  });
});

describe("loglikelihood", () => {
  test("sums the continuation's log-probabilities over the whole window, in input order", async () => {
    const { lm } = await newLM();
    const reqs = [
      { context: "Pack my box", continuation: " with" },
      { context: "", continuation: "abc" },
      { context: "How vexingly quick daft zebras jump and jump again", continuation: " far" }, // longer than T: truncated
    ];
    const res = await lm.loglikelihood(reqs);
    const win = (ctx: number[], cont: number[]) => {
      const tokens = [...ctx, ...cont].slice(-(TINY_T + 1));
      return { tokens, from: tokens.length - cont.length };
    };
    const expected = [win(ids("Pack my box"), ids(" with")), win([256], ids("abc")), win(ids(reqs[2].context), ids(" far"))];
    expect(expected[2].tokens.length).toBe(TINY_T + 1);
    res.forEach((r, i) => {
      expect(r.logprob).toBeCloseTo(sumOf(expected[i]), 5);
      expect(r.tokens).toBe(expected[i].tokens.length - expected[i].from);
      expect(r.isGreedy).toBe(hostWindowScore(host, expected[i]).greedy.every(Boolean));
    });
  });

  test("scores each distinct window once, longest first, in batches of batchSize", async () => {
    const { scorer, lm } = await newLM({ batchSize: 2 });
    const reqs = ["a", "abcd", "ab", "abcd", "a", "abc"].map((c) => ({ context: c, continuation: "z" }));
    const res = await lm.loglikelihood(reqs);
    expect(scorer.windows.flat().map((w) => w.tokens.length)).toEqual([5, 4, 3, 2]);
    expect(scorer.calls).toEqual([2, 2]);
    expect(res[1]).toEqual(res[3]);
    expect(res[0]).toEqual(res[4]);
  });

  test("reports progress after each batch, cache hits included", async () => {
    const seen: [number, number][] = [];
    const { lm } = await newLM({ batchSize: 2, onProgress: (d: number, t: number) => seen.push([d, t]) });
    await lm.loglikelihood([{ context: "ab", continuation: "c" }]);
    await lm.loglikelihood(["ab", "abc", "abcd"].map((context) => ({ context, continuation: "z" })).concat([{ context: "ab", continuation: "c" }]));
    expect(seen).toEqual([[1, 1], [3, 4], [4, 4]]);
  });

  test("gives ln 1 for an empty continuation without calling the model", async () => {
    const { scorer, lm } = await newLM();
    expect(await lm.loglikelihood([{ context: "abc", continuation: "" }])).toEqual([{ logprob: 0, isGreedy: true, tokens: 0 }]);
    expect(scorer.calls).toEqual([]);
  });

  test("scores a continuation longer than the context in consecutive windows, each token once with as much left context as fits", async () => {
    const { scorer, lm } = await newLM();
    const context = "ab";
    const continuation = "xyzw".repeat(9); // 36 tokens > T = 16
    const [r] = await lm.loglikelihood([{ context, continuation }]);
    const all = ids(context + continuation);
    // Windows ending at 18, 34, 38: each predicts ≤ T tokens and reads the T+1 tokens before its last prediction.
    const expected = [
      { tokens: all.slice(1, 18), from: 1 },
      { tokens: all.slice(17, 34), from: 1 },
      { tokens: all.slice(21, 38), from: 13 },
    ];
    expect(scorer.windows.flat().map((w) => [w.tokens.length, w.from])).toEqual(expected.map((w) => [w.tokens.length, w.from]));
    expect(r!.tokens).toBe(36);
    expect(r!.logprob).toBeCloseTo(expected.reduce((a, w) => a + sumOf(w), 0), 4);
  });
});

describe("generateUntil", () => {
  test("cuts the output before the first stop string and stops generating there", async () => {
    const { scorer, lm } = await newLM();
    const [free] = await lm.generateUntil([{ context: "The quick", until: [], maxTokens: 12 }]);
    expect(scorer.generated).toEqual([12]);
    const stop = free.slice(3, 5);
    const [cut] = await lm.generateUntil([{ context: "The quick", until: ["\u0000never", stop], maxTokens: 12 }]);
    expect(cut).toBe(free.slice(0, free.indexOf(stop)));
    expect(scorer.generated[1]).toBe(new TextEncoder().encode(free.slice(0, free.indexOf(stop) + 2)).length);
  });

  test.each([1, 3, 7])("generates at most %i tokens", async (maxTokens) => {
    const { scorer, lm } = await newLM();
    const [text] = await lm.generateUntil([{ context: "abc", until: [], maxTokens }]);
    expect(scorer.generated).toEqual([maxTokens]);
    expect(new TextEncoder().encode(text).length).toBeLessThanOrEqual(3 * maxTokens); // U+FFFD for a cut byte
  });
});
