// brown_next: the true next sentence among 3 same-length sentences from other documents, and its error cases.
import { describe, expect, test } from "bun:test";
import { brownNext, nextCandidates } from "./brown-next.ts";
import { resolveOptions } from "./task.ts";

/** A sentence of n words, every word tagged with `tag` so its document can be told from the text. */
const sentence = (n: number, tag: string) => `${["The", ...Array.from({ length: n - 1 }, (_, i) => `${tag}${i}`)].join(" ")}.`;
/** A document of `k` sentences of 12 words (contexts: 2 sentences = 24 words, then a 12-word ending). */
const doc = (tag: string, k = 6) => Array.from({ length: k }, (_, i) => sentence(12, `${tag}s${i}w`)).join(" ");

describe("nextCandidates", () => {
  test("a document yields non-overlapping (context, next sentence) pairs with 20-60 word contexts", () => {
    const text = doc("a", 6);
    const got = nextCandidates(text, 0);
    expect(got.map((c) => [c.context.split(" ").length, c.ending.text])).toEqual([
      [24, sentence(12, "as2w")],
      [24, sentence(12, "as5w")],
    ]);
  });

  test("a next line that does not start like a sentence is no ending", () => {
    expect(nextCandidates(`${sentence(12, "a")} ${sentence(12, "b")}\nand so on for a while here.`, 0)).toEqual([]);
  });
});

describe("brownNext.build", () => {
  const heldOut = ["a", "b", "c", "d", "e"].map((t) => doc(t));
  const t = brownNext.build(resolveOptions("brown_next", { heldOut }));

  test("every item has 4 distinct choices, the true ending at label, and the rest from other documents", () => {
    expect(t.docs.length).toBe(10);
    for (const d of t.docs) {
      const choices = d.choices as string[];
      const ctxTag = (d.context as string).split(" ")[1]!.slice(0, 1);
      expect(new Set(choices).size).toBe(4);
      const truth = choices[d.label as number]!;
      expect(heldOut.find((h) => h.includes(truth))?.indexOf(`${d.context as string} ${truth}`)).toBeGreaterThanOrEqual(0);
      for (const c of choices.filter((_, i) => i !== d.label)) expect(c.split(" ")[1]!.slice(0, 1)).not.toBe(ctxTag);
    }
  });

  test("distractors have the true ending's word count when the pool has it", () => {
    for (const d of t.docs) expect((d.choices as string[]).map((c) => c.split(" ").length)).toEqual([12, 12, 12, 12]);
  });

  test("the correct label is spread over the 4 positions", () => {
    const many = brownNext.build(resolveOptions("brown_next", { heldOut: Array.from({ length: 40 }, (_, i) => doc(`d${i}x`)) }));
    const counts = [0, 1, 2, 3].map((k) => many.docs.filter((d) => d.label === k).length);
    expect(many.docs.length).toBe(80);
    expect(Math.min(...counts)).toBeGreaterThan(8);
  });

  test("a single held-out document is an error: distractors must come from other documents", () => {
    expect(() => brownNext.build(resolveOptions("brown_next", { heldOut: [doc("a", 20)] }))).toThrow(
      "builtin:brown_next: no item could be built from 1 held-out document (needs a 20-60 word run of sentences followed by one, and 3 endings from other documents). " +
        "Hint: hold out more text (the clean stage's split rule: val/test) or use a larger dataset",
    );
  });
});
