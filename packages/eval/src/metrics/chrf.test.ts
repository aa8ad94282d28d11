// chrF against sacreBLEU's own published cases (mjpost/sacrebleu test/test_chrf.py and the README).
// Run: bun test packages/eval/src/metrics

import { describe, expect, test } from "bun:test";
import { MetricInputError } from "./bleu.ts";
import { corpusChrf, sentenceChrf, type ChrfOptions } from "./chrf.ts";

const EPSILON = 1e-4; // test_chrf.py's tolerance

// test_chrf.py calls corpus_chrf(hyps, [refs], char_order=6, word_order=0, beta=3, ...) in every corpus test.
const BETA3: ChrfOptions = { charOrder: 6, wordOrder: 0, beta: 3 };

describe("corpusChrf reproduces sacreBLEU's test_chrf.py", () => {
  test.each([
    [["abcdefg"], ["hijklmnop"], 0.0],
    [["a"], ["b"], 0.0],
    [[""], ["b"], 0.0],
    [[""], ["ref"], 0.0],
    [[""], ["reference"], 0.0],
    [["aa"], ["ab"], 8.3333],
    [["a", "b"], ["a", "c"], 8.3333],
    [["a"], ["a"], 16.6667],
    [["a b c"], ["a b c"], 50.0],
    [["a b c"], ["abc"], 50.0],
    [
      [" risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists ."],
      ["risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists ."],
      63.36173,
    ],
    [
      [" Die    Beziehung zwischen  Obama und Netanjahu ist nicht gerade  freundlich. "],
      ["Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich."],
      64.1302698,
    ],
    [["Niemand hat die Absicht, eine Mauer zu errichten"], ["Niemand hat die Absicht, eine Mauer zu errichten"], 100.0],
  ])("test_chrf (eps smoothing): %j against %j scores %d", (hyps, refs, expected) => {
    expect(Math.abs(corpusChrf(hyps, [refs], { ...BETA3, epsSmoothing: true }).score - expected)).toBeLessThan(EPSILON);
  });

  test.each([
    [["a"], ["a"], 100.0],
    [[""], ["reference"], 0.0],
    [["a b c"], ["a b c"], 100.0],
    [["a b c"], ["abc"], 100.0],
    [[""], ["c"], 0.0],
    [["a", "b"], ["a", "c"], 50.0],
    [["aa"], ["ab"], 25.0],
  ])("test_chrf_eff_order (sacreBLEU's default): %j against %j scores %d", (hyps, refs, expected) => {
    expect(Math.abs(corpusChrf(hyps, [refs], BETA3).score - expected)).toBeLessThan(EPSILON);
  });

  test.each([
    [
      ["Die Beziehung zwischen Obama und Netanjahu ist nicht gerade freundlich."],
      ["Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich."],
      67.3481606,
    ],
    [
      ["risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists ."],
      ["risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists ."],
      65.2414427,
    ],
  ])("test_chrf_keep_whitespace: %j against %j scores %d", (hyps, refs, expected) => {
    expect(Math.abs(corpusChrf(hyps, [refs], { ...BETA3, whitespace: true }).score - expected)).toBeLessThan(EPSILON);
  });

  test.each([
    ["Co nás nejvíc trápí, protože lékaři si vybírají, kdo bude žít a kdo zemře.", "Nejvíce smutní jsme z toho, že musíme rozhodovat o tom, kdo bude žít a kdo zemře.", 39.14078509],
    ["Nebo prostě nemají vybavení, které by jim pomohlo, uvedli lékaři.", "A někdy nemáme ani potřebný materiál, abychom jim pomohli, popsali lékaři.", 31.22557079],
    ["Lapali po dechu, jejich životy skončily dřív, než skutečně začaly.", "Lapali po dechu a pak jejich život skončil - dřív, než skutečně mohl začít, připomněli.", 57.15704367],
  ])("test_chrf_sentence_level (chrF2, eps smoothing): %j scores %d", (hyp, ref, expected) => {
    expect(Math.abs(sentenceChrf(hyp, [ref], { epsSmoothing: true }).score - expected)).toBeLessThan(EPSILON);
  });
});

describe("corpusChrf defaults match sacreBLEU's CHRF()", () => {
  const REFS = [
    ["The dog bit the man.", "It was not unexpected.", "The man bit him first."],
    ["The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."],
  ];
  const HYPS = ["The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."];

  test("the README example scores chrF2 = 59.73 with sacreBLEU's signature", () => {
    const r = corpusChrf(HYPS, REFS);
    expect([r.name, r.score.toFixed(2), r.signature]).toEqual(["chrF2", "59.73", "nrefs:2|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.4.3"]);
  });

  test("word order 2 is chrF++ and says so in its name and signature", () => {
    const r = corpusChrf(HYPS, REFS, { wordOrder: 2, lowercase: true, epsSmoothing: true });
    expect([r.name, r.signature]).toEqual(["chrF2++", "nrefs:2|case:lc|eff:no|nc:6|nw:2|space:no|version:2.4.3"]);
  });

  test("whitespace is ignored unless kept, and lowercase folds case", () => {
    expect(corpusChrf(["thecat sat"], [["the cat sat"]]).score).toBeCloseTo(100, 10);
    expect(corpusChrf(["thecat sat"], [["the cat sat"]], { whitespace: true }).score).toBeLessThan(100);
    expect(corpusChrf(["THE CAT"], [["the cat"]]).score).toBe(0);
    expect(corpusChrf(["THE CAT"], [["the cat"]], { lowercase: true }).score).toBeCloseTo(100, 10);
  });

  test("each sentence takes its best reference", () => {
    const one = corpusChrf(["the cat sat"], [["a dog ran"]]).score;
    const both = corpusChrf(["the cat sat"], [["a dog ran"], ["the cat sat"]]).score;
    expect([one < 50, both]).toEqual([true, 100]);
  });

  test("a wrong option is rejected with its name and a hint", () => {
    expect(() => corpusChrf(["a"], [["a"]], { charOrder: 0, wordOrder: 0 })).toThrow(
      new MetricInputError("corpusChrf", "opts.charOrder", "charOrder and wordOrder are both 0, so there is nothing to count", "use charOrder 6"),
    );
  });
});
