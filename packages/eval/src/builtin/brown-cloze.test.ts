// brown_cloze: passages of whole sentences ending in a real word, the mode baseline, and the too-little-text error.
import { describe, expect, test } from "bun:test";
import { brownCloze, clozeItems, modeBaseline } from "./brown-cloze.ts";
import { resolveOptions } from "./task.ts";

/** A sentence of n words whose last word is `last`. */
const sentence = (n: number, last: string) => `${["Then", ...Array.from({ length: n - 2 }, (_, i) => `w${i}`)].join(" ")} ${last}.`;

describe("clozeItems", () => {
  test("a passage of whole sentences of 40-80 words yields its last word as target and the rest as context", () => {
    const text = `${sentence(25, "river")} ${sentence(20, "lantern")}`;
    expect(clozeItems(text)).toEqual([{ context: text.slice(0, -"lantern.".length).trimEnd(), target: "lantern" }]);
  });

  test.each([
    ["a last word of two letters", `${sentence(25, "river")} ${sentence(20, "it")}`],
    ["a last word with a digit", `${sentence(25, "river")} ${sentence(20, "B52s")}`],
    ["a passage over 80 words", `${sentence(30, "river")} ${sentence(90, "lantern")}`],
    ["a passage under 40 words", sentence(30, "lantern")],
    ["a text that stops mid-sentence", `${sentence(25, "river")} ${sentence(20, "lantern").slice(0, -1)}`],
  ])("%s yields no item", (_, text) => {
    expect(clozeItems(text)).toEqual([]);
  });

  test("items of one document do not overlap and cover consecutive runs", () => {
    const text = Array.from({ length: 6 }, (_, i) => sentence(21, `last${"abcdef"[i]}`)).join(" ");
    expect(clozeItems(text).map((c) => c.target)).toEqual(["lastb", "lastd", "lastf"]);
  });

  test("a target after an opening quote leaves the quote in the context", () => {
    const text = `${sentence(30, "river")} He shouted "Fire${'!"'} and ran off into the dark night with everyone following "Fire${'!"'}`;
    const [item] = clozeItems(text);
    expect(item?.target).toBe("Fire");
    expect(item?.context.endsWith('following "')).toBe(true);
  });
});

describe("modeBaseline", () => {
  test.each([
    [["a", "b", "a", "c"], 0.5],
    [["x"], 1],
    [["a", "b", "c", "d", "e"], 0.2],
    [[], 0],
  ])("targets %j score %d by always guessing the most frequent", (targets, want) => {
    expect(modeBaseline(targets)).toBe(want);
  });
});

describe("brownCloze.build", () => {
  test("its chance level is the mode baseline of the items it built", () => {
    const docs = ["river", "river", "lantern", "candle"].map((w, i) => `${sentence(25, `start${"abcd"[i]}`)} ${sentence(20, w)}`);
    const t = brownCloze.build(resolveOptions("brown_cloze", { heldOut: docs }));
    expect(t.docs.length).toBe(4);
    expect(t.chance).toBe(0.5);
  });

  test("held-out text too small for any item is an error naming the task and the document count", () => {
    expect(() => brownCloze.build(resolveOptions("brown_cloze", { heldOut: ["Too short.", "Also short."] }))).toThrow(
      "builtin:brown_cloze: no item could be built from 2 held-out documents (needs a run of 40-80 words of whole sentences ending in a word of 3+ letters). " +
        "Hint: hold out more text (the clean stage's split rule: val/test) or use a larger dataset",
    );
  });
});
