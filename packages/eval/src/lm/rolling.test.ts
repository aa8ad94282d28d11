// Rolling windows match lm-evaluation-harness's get_rolling_token_windows + make_disjoint_window, predict every token
// exactly once, and loglikelihoodRolling equals the HostModel's token-by-token score over the same windows.
import { beforeAll, describe, expect, test } from "bun:test";
import { type HostModel, loadHostModel } from "@lathe/model";
import { byteTokenizer } from "@lathe/tokenizer";
import { LatheLM } from "./lathe-lm.ts";
import { makeDisjointWindow, rollingScoreWindows, rollingTokenWindows } from "./rolling.ts";
import { countingScorer, cpuScorer, hostWindowScore, TINY_T, tinyModel } from "./test-model.ts";

const P = -1;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** (tokens, max_seq_len, context_len, [input, preds] per window) */
const harnessCases: [number, number, number, number[][][]][] = [
  // the harness docstring's example: 0..8, max_seq_len 3, context_len 2
  [9, 3, 2, [[[P, 0, 1], [0, 1, 2]], [[1, 2, 3], [3, 4]], [[3, 4, 5], [5, 6]], [[5, 6, 7], [7, 8]]]],
  [10, 4, 1, [[[P, 0, 1, 2], [0, 1, 2, 3]], [[3, 4, 5, 6], [4, 5, 6, 7]], [[5, 6, 7, 8], [8, 9]]]],
  [2, 4, 1, [[[P, 0], [0, 1]]]],
  [0, 4, 1, []],
];

describe("rollingTokenWindows", () => {
  test.each(harnessCases)("of %i tokens with max_seq_len %i and context_len %i are the harness's", (n, T, ctx, expected) => {
    expect(rollingTokenWindows(range(n), P, T, ctx).map((w) => [w.input, w.preds])).toEqual(expected);
  });

  test("made disjoint, keep only the inputs before the first prediction", () => {
    // input = tokens[end-T-1 : end-1] reads one behind the predictions: 2..8 predicting 3..9, the last four scored
    expect(makeDisjointWindow({ input: [2, 3, 4, 5, 6, 7, 8], preds: [6, 7, 8, 9] })).toEqual({ input: [2, 3, 4, 5], preds: [6, 7, 8, 9] });
  });

  test.each([
    [0, 4], [1, 4], [4, 4], [5, 4], [9, 4], [33, 5], [100, 16],
  ])("of %i tokens with context %i predict every token exactly once with as much left context as fits", (n, T) => {
    const tokens = range(n).map((i) => 1000 + i);
    const ws = rollingScoreWindows(tokens, P, T);
    expect(ws.flatMap((w) => w.tokens.slice(w.from))).toEqual(tokens);
    let end = 0;
    for (const w of ws) {
      end += w.tokens.length - w.from;
      expect(w.tokens.length).toBe(Math.min(T + 1, end + 1)); // the prefix token counts while it fits
      expect(w.from).toBeGreaterThanOrEqual(1);
      const want = end + 1 <= T + 1 ? [P, ...tokens.slice(0, end)] : tokens.slice(end - T - 1, end);
      expect(w.tokens).toEqual(want);
    }
  });
});

describe("loglikelihoodRolling", () => {
  let trainDir = "";
  let host: HostModel;
  beforeAll(async () => {
    trainDir = (await tinyModel()).trainDir;
    host = loadHostModel(trainDir);
  });

  test("of a text longer than the context sums the HostModel's window scores, each token once", async () => {
    const text = "Sphinx of black quartz, judge my vow. How vexingly quick daft zebras jump!";
    const tokens = Array.from(new TextEncoder().encode(text));
    const scorer = countingScorer(await cpuScorer(trainDir));
    const lm = new LatheLM(scorer, byteTokenizer(["<|endoftext|>"]));
    const [r] = await lm.loglikelihoodRolling([text]);
    const ws = rollingScoreWindows(tokens, 256, TINY_T);
    expect(ws.length).toBe(Math.ceil(tokens.length / TINY_T));
    const want = ws.reduce((s, w) => s + hostWindowScore(host, w).logprobs.reduce((a, b) => a + b, 0), 0);
    expect(r.tokens).toBe(tokens.length);
    expect(r.logprob).toBeCloseTo(want, 4);
    expect(scorer.windows.flat().reduce((s, w) => s + w.tokens.length - w.from, 0)).toBe(tokens.length);
  });

  test("of an empty text is zero over zero tokens", async () => {
    const lm = new LatheLM(await cpuScorer(trainDir), byteTokenizer(["<|endoftext|>"]));
    expect(await lm.loglikelihoodRolling([""])).toEqual([{ logprob: 0, tokens: 0 }]);
  });
});
