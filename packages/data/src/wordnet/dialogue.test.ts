// WordNet dialogue data: the held-out split, each task's layout and invariants, determinism, lengths, counts, and the
// reward helpers. Run: bun test packages/data/src/wordnet/dialogue.test.ts
import { beforeAll, describe, expect, test } from "bun:test";
import { DIALOGUE_TASKS, type DialogueItems, DialogueOptionsError, type DialogueTask, wordnetDialogue, WORDNET_DIALOGUE_VERSION } from "./dialogue.ts";
import { fnv1a32, isHeldOutWord, normalizeWord } from "./heldout.ts";
import { lexicon } from "./lexicon.ts";
import { readWordNet, WORDNET_FILES } from "./read.ts";
import { exactMatch, normalizeAnswer, rewardNamesLemma } from "./reward.ts";

type Split = "train" | "heldout";
const LIMIT: Record<Split, number> = { train: 2000, heldout: 200 };
const SEED = 7;

// Each (task, split) generated once at its full test limit; the tests below read these.
const made = new Map<string, unknown[]>();
function items<T extends DialogueTask>(task: T, split: Split): DialogueItems[T][] {
  const key = `${task}/${split}`;
  if (!made.has(key)) made.set(key, wordnetDialogue({ task, split, limit: LIMIT[split], seed: SEED }));
  return made.get(key) as DialogueItems[T][];
}

/** The word an item asks about: the one between ‘ and ’ in its question. */
function subject(item: DialogueItems[DialogueTask]): string {
  const q = "messages" in item ? item.messages[0]!.content : item.prompt;
  const m = /‘([^’]+)’/.exec(q);
  if (!m) throw new Error(`no quoted word in ${JSON.stringify(q)}`);
  return m[1]!;
}

/** Prompt and answer lengths as maxChars counts them: every answer the item offers. */
function sizes(item: DialogueItems[DialogueTask]): number[] {
  if ("messages" in item) return [item.messages[0]!.content.length + item.messages[1]!.content.length];
  if ("chosen" in item) return [item.chosen, item.rejected].map((a) => item.prompt.length + a.length);
  if ("choices" in item) return item.choices.map((a) => item.prompt.length + a.length);
  return item.answers.map((a) => item.prompt.length + a.length);
}

// WordNet's parse and the word list take a second or two once per process; slower on a busy machine.
beforeAll(() => void lexicon(), 60_000);

const cases = DIALOGUE_TASKS.flatMap((task) => (["train", "heldout"] as const).map((split) => [task, split] as const));

describe("wordnetDialogue", () => {
  test.each(cases)("%s/%s reaches its limit, every item fits 160 characters, and no subject repeats", (task, split) => {
    const got = items(task, split);
    expect(got.length).toBe(LIMIT[split]);
    for (const it of got) for (const n of sizes(it)) expect(n).toBeLessThanOrEqual(160);
    if (task !== "sft") expect(new Set(got.map(subject)).size).toBe(got.length);
  });

  test.each(cases)("%s/%s asks only about words of its split", (task, split) => {
    const wrong = items(task, split).map(subject).filter((w) => isHeldOutWord(w) !== (split === "heldout"));
    expect(wrong).toEqual([]);
  });

  test("train items never give a held-out word as a synonym", () => {
    const sftSynonyms = items("sft", "train").flatMap((it) => (it.messages[0]!.content.startsWith("Give a synonym") ? [it.messages[1]!.content] : []));
    const rlAnswers = items("rl", "train").flatMap((it) => it.answers);
    expect([...sftSynonyms, ...rlAnswers].filter(isHeldOutWord)).toEqual([]);
  });

  test.each(["train", "heldout"] as const)("the same options give byte-identical items, and a smaller limit gives their prefix (%s)", (split) => {
    for (const task of DIALOGUE_TASKS) {
      const again = wordnetDialogue({ task, split, limit: 50, seed: SEED });
      expect(JSON.stringify(again)).toBe(JSON.stringify(items(task, split).slice(0, 50)));
    }
  });

  test("another seed picks other words", () => {
    const a = items("dpo", "train").slice(0, 50).map(subject);
    const b = wordnetDialogue({ task: "dpo", split: "train", limit: 50, seed: SEED + 1 }).map(subject);
    expect(a.filter((w) => b.includes(w)).length).toBeLessThan(10);
  });

  test("the items are these bytes on every machine (bump WORDNET_DIALOGUE_VERSION when this changes)", () => {
    const digest = Object.fromEntries(DIALOGUE_TASKS.map((task) => [task, fnv1a32(JSON.stringify(wordnetDialogue({ task, split: "train", limit: 20, seed: 0 })))]));
    expect({ version: WORDNET_DIALOGUE_VERSION, digest }).toEqual({ version: "2", digest: GOLDEN });
  });

  test("sft mixes definitions, example sentences and synonyms in equal shares", () => {
    const kinds = { define: 0, use: 0, synonym: 0 };
    for (const it of items("sft", "train")) {
      const [user, assistant] = it.messages;
      expect([user!.role, assistant!.role]).toEqual(["user", "assistant"]);
      const q = user!.content;
      const w = subject(it);
      if (q === `What does ‘${w}’ mean?`) kinds.define++;
      else if (q === `Use ‘${w}’ in a sentence.`) {
        kinds.use++;
        expect(assistant!.content.toLowerCase()).toMatch(new RegExp(`\\b${w}\\b`));
      } else if (q === `Give a synonym of ‘${w}’.`) {
        kinds.synonym++;
        expect(normalizeWord(assistant!.content)).not.toBe(w);
      } else throw new Error(`unexpected question ${JSON.stringify(q)}`);
    }
    expect(Object.values(kinds).every((n) => Math.abs(n - 2000 / 3) <= 1)).toBe(true);
  });

  test.each(["train", "heldout"] as const)("dpo pairs the word's definition with another word's, never the same text (%s)", (split) => {
    for (const it of items("dpo", split)) {
      expect(it.prompt).toBe(`What does ‘${subject(it)}’ mean?`);
      expect(it.chosen.trim()).not.toBe(it.rejected.trim());
      expect(it.chosen).not.toBe("");
    }
  });

  test.each(["train", "heldout"] as const)("rl answers are the word's synonyms, never the word itself (%s)", (split) => {
    for (const it of items("rl", split)) {
      const w = subject(it);
      expect(it.prompt).toBe(`Give a synonym of ‘${w}’.`);
      expect(it.answers.length).toBeGreaterThan(0);
      expect(new Set(it.answers).size).toBe(it.answers.length);
      expect(rewardNamesLemma(w, it.answers)).toBe(0); // answering with the word itself earns nothing
      expect(rewardNamesLemma(it.answers[0]!, it.answers)).toBe(1);
    }
  });

  test.each(["train", "heldout"] as const)("define_mc offers 4 different definitions with the answer at gold (%s)", (split) => {
    const golds = [0, 0, 0, 0];
    for (const it of items("define_mc", split)) {
      expect(it.choices.length).toBe(4);
      expect(new Set(it.choices).size).toBe(4);
      expect(it.choices[it.gold]).toBe(it.answer);
      golds[it.gold]!++;
    }
    for (const g of golds) expect(g).toBeGreaterThan(LIMIT[split] / 8); // the right answer is not always in one place
  });

  test("held-out define_mc words are words eval's wordnet_define could ask: single-sense, alphabetic, not named in their definition", () => {
    const senses = new Map<string, number>();
    for (const f of WORDNET_FILES) for (const s of readWordNet(f)) for (const l of s.lemmas) senses.set(normalizeWord(l), (senses.get(normalizeWord(l)) ?? 0) + 1);
    for (const it of items("define_mc", "heldout")) {
      const w = subject(it);
      expect([w, /^[a-z]{3,}$/.test(w), senses.get(w), isHeldOutWord(w), new RegExp(`\\b${w}\\b`, "i").test(it.answer)]).toEqual([w, true, 1, true, false]);
    }
  });

  test("a smaller maxChars keeps every item within it", () => {
    for (const task of DIALOGUE_TASKS) {
      const got = wordnetDialogue({ task, split: "heldout", limit: 30, seed: 1, maxChars: 70 });
      expect(got.length).toBe(30);
      for (const it of got) for (const n of sizes(it)) expect(n).toBeLessThanOrEqual(70);
    }
  });

  test.each([
    [{ task: "chat" }, 'wordnetDialogue: task is "chat". Hint: use one of sft, dpo, rl, rl_use, define_mc'],
    [{ split: "test" }, 'wordnetDialogue: split is "test". Hint: use "train" or "heldout"'],
    [{ limit: -1 }, "wordnetDialogue: limit is -1. Hint: use a whole number of items, 0 or more"],
    [{ seed: 0.5 }, "wordnetDialogue: seed is 0.5. Hint: use a whole number"],
    [{ maxChars: 0 }, "wordnetDialogue: maxChars is 0. Hint: use a positive number of characters (default 160)"],
  ])("bad options %j are a DialogueOptionsError naming the field and value", (bad, message) => {
    const o = { task: "sft", split: "train", limit: 1, seed: 0, ...bad } as Parameters<typeof wordnetDialogue>[0];
    expect(() => wordnetDialogue(o)).toThrow(new DialogueOptionsError(Object.keys(bad)[0]!, Object.values(bad)[0], message.split("Hint: ")[1]!));
    expect(() => wordnetDialogue(o)).toThrow(message);
  });
});

describe("reward helpers", () => {
  test.each([
    ["large", ["large", "big"], 1],
    ["  Large! ", ["large"], 1],
    ["I would say large.", ["large"], 1],
    ["largely", ["large"], 0],
    ["ice cream", ["ice cream"], 1],
    ["Ice-cream, please", ["ice cream"], 1],
    ["well-being", ["well-being"], 1],
    ["cream", ["ice cream"], 0],
    ["", ["large"], 0],
    ["large", [], 0],
    ["large", [""], 0],
  ] as const)("rewardNamesLemma(%j, %j) is %d", (answer, lemmas, want) => {
    expect(rewardNamesLemma(answer, lemmas)).toBe(want);
  });

  test.each([
    ["a tree", "a tree", 1],
    [" A tree. ", "a tree", 1],
    ["a  tree", "a tree", 1],
    ["don't", "dont", 1],
    ["a tree", "a trees", 0],
    ["a tree that grows", "a tree", 0],
  ] as const)("exactMatch(%j, %j) is %d", (answer, reference, want) => {
    expect(exactMatch(answer, reference)).toBe(want);
  });

  test("normalizeAnswer lowercases, drops apostrophes and folds punctuation and spaces into single spaces", () => {
    expect(normalizeAnswer("  Well-being, isn’t it?  ")).toBe("well being isnt it");
  });
});

const GOLDEN: Record<DialogueTask, number> = { sft: 488358025, dpo: 628815804, rl: 661909996, rl_use: 3130938665, define_mc: 956297722 };
