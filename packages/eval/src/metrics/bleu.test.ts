// BLEU against sacreBLEU's own published cases (mjpost/sacrebleu test/test_bleu.py, test/test_sentence_bleu.py, README)
// and the 13a tokenizer's rules. Run: bun test packages/eval/src/metrics

import { describe, expect, test } from "bun:test";
import { bleuFromStats, corpusBleu, MetricInputError, sentenceBleu, type BleuOptions } from "./bleu.ts";
import { splitWhitespace, tokenize13a, tokenizeIntl } from "./tokenize-13a.ts";

// The README example, also test_bleu.py's _hyps/_refs: two reference streams over three sentences.
const REFS = [
  ["The dog bit the man.", "It was not unexpected.", "The man bit him first."],
  ["The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."],
];
const HYPS = ["The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."];

// raw_corpus_bleu(hyps, refs, v) in sacreBLEU = no tokenization, floor smoothing with value v, effective order.
const raw = (v: number): BleuOptions => ({ tokenize: "none", smooth: "floor", smoothValue: v, effectiveOrder: true });

describe("corpusBleu reproduces sacreBLEU's corpus cases", () => {
  // [source, hyps, refs, options, expected score 0–100, tolerance (sacreBLEU's EPSILON on its scale)]
  test.each([
    ["test_bleu.py test_corpus_bleu: defaults", HYPS, REFS, {}, 48.530827, 1e-6],
    ["test_bleu.py test_corpus_bleu: empty hypotheses are kept", ["", "", ""], REFS, {}, 0.0, 1e-6],
    ["test_bleu.py test_corpus_bleu: tokenize none", HYPS, REFS, { tokenize: "none" }, 49.1919566, 1e-6],
    ["test_bleu.py test_corpus_bleu: tokenize 13a", HYPS, REFS, { tokenize: "13a" }, 48.530827, 1e-6],
    ["test_bleu.py test_corpus_bleu: tokenize intl", HYPS, REFS, { tokenize: "intl" }, 43.91623493, 1e-6],
    ["test_bleu.py test_corpus_bleu: smooth none", HYPS, REFS, { smooth: "none" }, 48.530827, 1e-6],
    ["test_bleu.py test_raw_bleu: no match (#141)", ["this is a test", "another test"], [["ref1", "ref2"]], raw(0.01), 0.0, 1e-6],
    ["test_bleu.py test_raw_bleu: identical", ["this is a test"], [["this is a test"]], raw(0.01), 100.0, 1e-6],
    ["test_bleu.py test_raw_bleu: one word differs", ["this is a fest"], [["this is a test"]], raw(0.01), 22.3606797749979, 1e-6],
    ["test_bleu.py test_effective_order: shorter than ref", ["test"], [["a test"]], raw(0.01), 36.78794411714425, 1e-6],
    ["test_bleu.py test_effective_order: identical", ["a test"], [["a test"]], raw(0.01), 100.0, 1e-6],
    ["test_bleu.py test_effective_order: longer than ref", ["a little test"], [["a test"]], raw(0.01), 3.218297948685433, 1e-6],
    ["test_bleu.py test_offset: floor 0 gives 0", ["am I am a character sequence"], [["I am a symbol string sequence a a"]], raw(0), 0.0, 1e-6],
    ["test_bleu.py test_offset: floor default 0.1", ["am I am a character sequence"], [["I am a symbol string sequence a a"]], { ...raw(0.1), smoothValue: undefined }, 15.55722182, 1e-6],
    ["README: variable references ('' for a missing one)", HYPS, [["", REFS[0][1], REFS[0][2]], REFS[1]], {}, 29.44, 0.005],
  ] as const)("%s", (_source, hyps, refs, opts, expected, tol) => {
    expect(Math.abs(corpusBleu(hyps, refs, opts as BleuOptions).score - expected)).toBeLessThan(tol);
  });

  test.each([
    [1, "77.65"],
    [2, "60.50"],
    [3, "53.93"],
    [4, "48.53"],
    [5, "46.14"],
    [6, "43.28"],
  ])("test_bleu.py test_max_ngram_order: order %i scores %s", (order, expected) => {
    expect(corpusBleu(HYPS, REFS, { maxNgramOrder: order }).score.toFixed(2)).toBe(expected);
  });

  test("the README example reports sacreBLEU's precisions, brevity penalty, lengths and signature", () => {
    const r = corpusBleu(HYPS, REFS);
    // BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)
    expect(r.score.toFixed(2)).toBe("48.53");
    expect(r.precisions.map((p) => p.toFixed(1))).toEqual(["82.4", "50.0", "45.5", "37.5"]);
    expect(r.bp.toFixed(3)).toBe("0.943");
    expect([r.sysLen, r.refLen]).toEqual([17, 18]);
    expect(r.signature).toBe("nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:2.4.3");
  });

  test("the README's variable-reference example reports its precisions and reference length", () => {
    // BLEU = 29.44 82.4/42.9/27.3/12.5 (BP = 0.889 ratio = 0.895 hyp_len = 17 ref_len = 19)
    const r = corpusBleu(HYPS, [["", REFS[0][1], REFS[0][2]], REFS[1]]);
    expect(r.precisions.map((p) => p.toFixed(1))).toEqual(["82.4", "42.9", "27.3", "12.5"]);
    expect([r.bp.toFixed(3), r.sysLen, r.refLen]).toEqual(["0.889", 17, 19]);
  });

  test("test_bleu.py test_statistics: matched and total n-gram counts per order", () => {
    const r = corpusBleu(["am I am a character sequence"], [["I am a symbol string sequence a a"]], raw(0.01));
    expect([r.counts, r.totals]).toEqual([[4, 2, 1, 0], [6, 5, 4, 3]]);
  });
});

describe("bleuFromStats reproduces sacreBLEU's compute_bleu", () => {
  test("test_bleu.py test_scoring: statistics without smoothing", () => {
    expect(bleuFromStats([9, 7, 5, 3], [10, 8, 6, 4], 11, 11).score / 100).toBeCloseTo(0.8375922397, 8);
  });

  // test_bleu.py test_degenerate_statistics: [correct, total, sysLen, refLen, floor value] all score exactly 0.
  test.each([
    [[0, 0, 0, 0], [4, 4, 2, 1], 0, 1, 0.0],
    [[0, 0, 0, 0], [10, 11, 12, 0], 14, 10, 0.0],
    [[0, 0, 0, 0], [0, 0, 0, 0], 0, 0, 0.0],
    [[6, 5, 4, 0], [6, 5, 4, 3], 6, 6, 0.0],
    [[0, 0, 0, 0], [0, 0, 0, 0], 0, 0, 0.1],
    [[0, 0, 0, 0], [0, 0, 0, 0], 1, 5, 0.01],
  ])("test_degenerate_statistics: counts %j of totals %j (sys %i, ref %i, floor %d) score exactly 0", (c, t, sys, ref, v) => {
    expect(bleuFromStats(c, t, sys, ref, { smooth: "floor", smoothValue: v }).score).toBe(0);
  });
});

describe("sentenceBleu reproduces sacreBLEU's test_sentence_bleu.py", () => {
  // Example from sacreBLEU issue #98; effective order on, as sentence_bleu does by default.
  const REF = "producţia de zahăr brut se exprimă în zahăr alb;";
  const SYS = "Producția de zahăr primă va fi exprimată în ceea ce privește zahărul alb;";
  test.each([
    ["exp", undefined, false, "13a", 8.493],
    ["none", undefined, false, "13a", 0.0],
    ["floor", undefined, false, "13a", 4.51688],
    ["floor", 0.1, false, "13a", 4.51688],
    ["floor", 0.5, false, "13a", 10.1],
    ["add-k", undefined, false, "13a", 14.882],
    ["add-k", 1, false, "13a", 14.882],
    ["add-k", 2, false, "13a", 21.389],
    ["exp", undefined, false, "none", 7.347],
    ["exp", undefined, false, "intl", 8.493],
    ["exp", undefined, false, "char", 40.8759],
    ["exp", undefined, true, "char", 42.0267],
  ] as const)("test_api_sentence_bleu: smooth %s value %p lowercase %p tokenize %s scores %d", (smooth, smoothValue, lowercase, tokenize, expected) => {
    expect(Math.abs(sentenceBleu(SYS, [REF], { smooth, smoothValue, lowercase, tokenize }).score - expected)).toBeLessThan(1e-3);
  });

  test.each(["exp", "none", "floor", "add-k"] as const)("test_api_sentence_bleu_zero: no matching word scores 0 with smoothing %s", (smooth) => {
    expect(sentenceBleu("this is a cat", ["okay thanks"], { smooth }).score).toBe(0);
  });

  test("its signature says effective order, lowercasing and the smoothing value", () => {
    expect(sentenceBleu("a b", ["a b"], { lowercase: true, smooth: "floor" }).signature).toBe("nrefs:1|case:lc|eff:yes|tok:13a|smooth:floor[0.10]|version:2.4.3");
    expect(sentenceBleu("a b", ["a b"], { smooth: "add-k", smoothValue: 2 }).signature).toBe("nrefs:1|case:mixed|eff:yes|tok:13a|smooth:add-k[2.00]|version:2.4.3");
  });
});

describe("corpusBleu options and input checks", () => {
  test("lowercase makes case differences match", () => {
    expect(corpusBleu(["THE CAT SAT ON THE MAT"], [["the cat sat on the mat"]]).score).toBe(0);
    expect(corpusBleu(["THE CAT SAT ON THE MAT"], [["the cat sat on the mat"]], { lowercase: true }).score).toBeCloseTo(100, 10);
  });

  test("a reference stream of the wrong length is rejected with where and a hint", () => {
    expect(() => corpusBleu(["a", "b"], [["a", "b"], ["a"]])).toThrow(
      new MetricInputError("corpusBleu", "refs[1]", "expected 2 sentences (one per hypothesis), got 1 sentences", "refs is indexed [reference][sentence], sacreBLEU's layout; transpose a [sentence][reference] array"),
    );
  });

  test("an empty corpus is rejected", () => {
    expect(() => corpusBleu([], [[]])).toThrow("corpusBleu: hyps: no hypotheses (got an empty array). Hint: score at least one sentence");
  });

  test("an unknown tokenizer is rejected naming the choices", () => {
    expect(() => corpusBleu(["a"], [["a"]], { tokenize: "moses" as never })).toThrow('corpusBleu: opts.tokenize: unknown tokenizer "moses". Hint: use one of 13a, intl, char, none');
  });
});

describe("the 13a tokenizer follows mteval-v13a's rules", () => {
  test.each([
    ["It wasn't surprising.", "It wasn't surprising ."], // the apostrophe is not in 13a's symbol classes
    ["The dog bit the man.", "The dog bit the man ."],
    ["1,000.50 and 3.5, then 2.", "1,000.50 and 3.5 , then 2 ."], // separators between digits stay
    ["pages 5-6 and well-known", "pages 5 - 6 and well-known"], // dash split only after a digit
    ["(hi) [x] {y} $5 a/b a:b a@b", "( hi ) [ x ] { y } $ 5 a / b a : b a @ b"],
    ["&quot;quoted&quot; &amp; &lt;b&gt;", '" quoted " & < b >'],
    ["line-\nbreak\nhere <skipped>", "linebreak here"],
    ["  spaced \t out  ", "spaced out"],
  ])("%j tokenizes to %j", (input, expected) => {
    expect(tokenize13a(input)).toBe(expected);
  });

  test("the intl tokenizer splits Unicode punctuation and symbols but not decimal separators", () => {
    expect(tokenizeIntl("«Hallo», sagte er — 3,5 €.")).toBe("« Hallo » , sagte er — 3,5 € .");
  });

  test("whitespace splitting follows Python's str.split(), not JavaScript's \\s", () => {
    expect(splitWhitespace("a\u0085b\u001fc\ufeffd\u3000e")).toEqual(["a", "b", "c\ufeffd", "e"]);
  });
});
