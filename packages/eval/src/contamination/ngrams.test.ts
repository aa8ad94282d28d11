// Tests of the 13-gram contamination index: normalization as lm-evaluation-harness's Janitor, the overlap rule, and a
// build over ~1M words. Run: bun test packages/eval/src/contamination

import { describe, expect, test } from "bun:test";
import { NgramIndex, NgramIndexError, normalizeForNgrams } from "./ngrams.ts";

/** Deterministic pseudo-random words (an LCG over a made-up vocabulary), so the big test needs no corpus. */
function syntheticWords(count: number, seed: number, vocab = 5000): string[] {
  let s = seed >>> 0;
  const out: string[] = new Array(count);
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = `w${(s >>> 8) % vocab}`;
  }
  return out;
}

const TRAIN = syntheticWords(40, 1).join(" ");
const TRAIN_WORDS = TRAIN.split(" ");
const filler = (k: number) => syntheticWords(k, 99, 50).map((w) => `x${w}`);

describe("normalizeForNgrams", () => {
  test.each([
    ["Hello, World!", ["hello", "world"]],
    ["don't  STOP\n\tnow", ["dont", "stop", "now"]],
    ["a - b -- c", ["a", "b", "c"]], // a word of punctuation only disappears
    ["(x+y)/2 = z.", ["xy2", "z"]],
    ["Ünïcode — kept", ["ünïcode", "—", "kept"]], // only ASCII punctuation is deleted, as in the harness
    ["   ", []],
  ])("%j becomes the words %j", (text, words) => {
    expect(normalizeForNgrams(text)).toEqual(words);
  });
});

describe("NgramIndex.overlaps", () => {
  test("a text sharing one 13-gram with training is flagged, and the shared words are reported", async () => {
    const index = await NgramIndex.build([TRAIN]);
    const shared = TRAIN_WORDS.slice(10, 23);
    const text = [...filler(8), ...shared, ...filler(8)].join(" ");
    expect(index.overlaps(text)).toBe(true);
    expect(index.firstOverlap(text)).toBe(shared.join(" "));
  });

  test("a text sharing only 12 consecutive words with training is not flagged", async () => {
    const index = await NgramIndex.build([TRAIN]);
    const text = [...filler(8), ...TRAIN_WORDS.slice(10, 22), ...filler(8)].join(" ");
    expect(index.overlaps(text)).toBe(false);
    expect(index.firstOverlap(text)).toBeNull();
  });

  test("punctuation and case differences still match after normalization", async () => {
    const index = await NgramIndex.build(["The quick brown fox jumps over the lazy dog while the cat, who is old, sleeps."]);
    expect(index.overlaps('Said: "THE QUICK brown fox jumps over the LAZY dog... while the Cat who is old sleeps!"')).toBe(true);
  });

  test("punctuation inside a word joins its parts, so a hyphenated variant does not match", async () => {
    const index = await NgramIndex.build(["The quick brown fox jumps over the lazy dog while the cat, who is old, sleeps."]);
    expect(index.overlaps("The quick brown-fox jumps over the lazy dog while the cat, who is old, sleeps.")).toBe(false);
  });

  test("n-grams do not run from one training text into the next", async () => {
    const index = await NgramIndex.build([TRAIN_WORDS.slice(0, 7).join(" "), TRAIN_WORDS.slice(7, 14).join(" ")]);
    expect(index.size).toBe(0);
    expect(index.overlaps(TRAIN_WORDS.slice(0, 14).join(" "))).toBe(false);
  });

  test("texts shorter than n words add nothing and never overlap", async () => {
    const index = await NgramIndex.build([TRAIN]);
    expect(index.overlaps(TRAIN_WORDS.slice(0, 12).join(" "))).toBe(false);
  });

  test("a smaller n finds shorter overlaps", async () => {
    const index = await NgramIndex.build([TRAIN], 3);
    expect([index.n, index.overlaps(`zz ${TRAIN_WORDS.slice(5, 8).join(" ")} zz`), index.overlaps(`zz ${TRAIN_WORDS[5]} ${TRAIN_WORDS[7]} zz`)]).toEqual([3, true, false]);
  });
});

describe("NgramIndex.build", () => {
  test("size counts distinct n-grams, so a repeated text adds nothing", async () => {
    const once = await NgramIndex.build([TRAIN]);
    const twice = await NgramIndex.build([TRAIN, TRAIN.toUpperCase()]);
    expect([once.size, twice.size]).toEqual([40 - 13 + 1, 40 - 13 + 1]);
  });

  test("an async iterable builds the same index as an array", async () => {
    async function* docs() {
      yield TRAIN;
    }
    const index = await NgramIndex.build(docs());
    expect([index.size, index.overlaps(TRAIN)]).toEqual([28, true]);
  });

  test("a bad n is rejected with the value and a hint", async () => {
    await expect(NgramIndex.build([TRAIN], 0)).rejects.toThrow(new NgramIndexError("n", "expected a positive integer, got 0", "the harness uses 13-grams"));
  });

  test("a text that is not a string is rejected with its position", async () => {
    await expect(NgramIndex.build([TRAIN, 42 as unknown as string])).rejects.toThrow("NgramIndex: texts[1]: expected a string, got number. Hint: pass the documents' text fields");
  });

  test("about 1M words of training text (Brown-corpus sized) index every n-gram and reject unseen ones", async () => {
    const DOC = 250; // words per document
    const words = syntheticWords(1_000_000, 7);
    const docs: string[] = [];
    for (let i = 0; i < words.length; i += DOC) docs.push(words.slice(i, i + DOC).join(" "));

    const t0 = performance.now();
    const index = await NgramIndex.build(docs);
    const ms = performance.now() - t0;
    console.log(`NgramIndex: ${docs.length} docs, ${words.length} words -> ${index.size} 13-grams in ${ms.toFixed(0)} ms`);

    // With a 5000-word vocabulary, a repeated 13-gram in random text is (practically) impossible: all are distinct.
    expect(index.size).toBe(docs.length * (DOC - 13 + 1));
    for (let d = 0; d < docs.length; d += 97) {
      const w = docs[d].split(" ");
      expect(index.overlaps(w.slice(100, 113).join(" "))).toBe(true);
    }
    const unseen = syntheticWords(13 * 1000, 12345);
    let falsePositives = 0;
    for (let i = 0; i < unseen.length; i += 13) if (index.overlaps(unseen.slice(i, i + 13).join(" "))) falsePositives++;
    expect(falsePositives).toBe(0);
  }, 30_000);
});
