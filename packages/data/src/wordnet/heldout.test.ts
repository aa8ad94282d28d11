// Held-out words: a stable ~10% of WordNet's lemmas, the same decision for every spelling of a word.
import { describe, expect, test } from "bun:test";
import { fnv1a32, HELD_OUT_FRACTION, isHeldOutWord, normalizeWord } from "./heldout.ts";
import { readWordNet, WORDNET_FILES } from "./read.ts";

describe("isHeldOutWord", () => {
  test.each([
    ["", 0x811c9dc5],
    ["a", 0xe40c292c],
    ["foobar", 0xbf9cf968],
    ["café", 2821410889], // non-ASCII: hashed over its UTF-8 bytes
  ])("fnv1a32(%j) is the published FNV-1a value %d", (s, h) => {
    expect(fnv1a32(s)).toBe(h);
  });

  test.each([
    ["Ice_Cream", "ice cream"],
    ["  ready  to_hand ", "ready to hand"],
    ["LATHE", "lathe"],
  ])("%j normalizes to %j", (raw, norm) => {
    expect(normalizeWord(raw)).toBe(norm);
  });

  test("spellings of one word get one decision", () => {
    for (const [a, b] of [["Serendipity", "serendipity"], ["ice_cream", "Ice Cream"], ["abstract_entity", "abstract entity"]] as const) expect(isHeldOutWord(a)).toBe(isHeldOutWord(b));
  });

  // Pinned: these decide eval items and fine-tuning data; a change here silently breaks comparisons across runs.
  test.each([
    ["serendipity", true],
    ["music", true],
    ["quickly", true],
    ["apple", true],
    ["lathe", false],
    ["dog", false],
    ["run", false],
    ["table", false],
  ])("the decision for %j is pinned to %p", (w, held) => {
    expect(isHeldOutWord(w)).toBe(held);
  });

  test("about a tenth of WordNet's lemmas are held out", () => {
    const lemmas = new Set<string>();
    for (const f of WORDNET_FILES) for (const s of readWordNet(f)) for (const l of s.lemmas) lemmas.add(normalizeWord(l));
    const held = [...lemmas].filter(isHeldOutWord).length;
    expect(lemmas.size).toBeGreaterThan(140_000);
    expect(Math.abs(held / lemmas.size - HELD_OUT_FRACTION)).toBeLessThan(0.005);
  });
});
