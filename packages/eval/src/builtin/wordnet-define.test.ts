// wordnet_define: only held-out single-sense words, the right definition among 4 distinct ones of the same POS.
import { isHeldOutWord, normalizeWord, readWordNet, WORDNET_FILES } from "@lathe/data";
import { beforeAll, describe, expect, test } from "bun:test";
import type { LoadedTask } from "../tasks/types.ts";
import { resolveOptions } from "./task.ts";
import { defineCandidates, wordnetDefine } from "./wordnet-define.ts";

let task: LoadedTask;
/** definition → parts of speech it is a definition for ("noun", "verb", ...). */
const posOf = new Map<string, Set<string>>();
/** word → its definitions. */
const defsOf = new Map<string, string[]>();

beforeAll(() => {
  task = wordnetDefine.build(resolveOptions("wordnet_define", { heldOut: [], limit: 300 }));
  const name = { noun: "noun", verb: "verb", adj: "adjective", adv: "adverb" } as const;
  for (const f of WORDNET_FILES) {
    for (const s of readWordNet(f)) {
      posOf.get(s.definition)?.add(name[f]) ?? posOf.set(s.definition, new Set([name[f]]));
      for (const l of s.lemmas) defsOf.get(normalizeWord(l))?.push(s.definition) ?? defsOf.set(normalizeWord(l), [s.definition]);
    }
  }
}, 60_000); // parses all of WordNet: a few seconds on a busy machine

describe("wordnetDefine.build", () => {
  test("it builds the requested number of items with the prompt, choice and target templates", () => {
    expect(task.docs.length).toBe(300);
    expect(task.config.doc_to_text).toBe('Question: What does "{{word}}" mean?\nAnswer:');
    expect(task.config.output_type).toBe("multiple_choice");
    expect(task.chance).toBe(0.25);
  });

  test("every asked word is held out and has exactly one sense in WordNet", () => {
    for (const d of task.docs) {
      expect(isHeldOutWord(d.word as string)).toBe(true);
      expect(defsOf.get(d.word as string)?.length).toBe(1);
    }
  });

  test("the word's own definition is always among 4 distinct choices, at label", () => {
    for (const d of task.docs) {
      const choices = d.choices as string[];
      expect(new Set(choices).size).toBe(4);
      expect(choices[d.label as number]).toBe(defsOf.get(d.word as string)![0]!);
    }
  });

  test("distractors are definitions of held-out words of the same part of speech", () => {
    const heldDefs = new Set(defineCandidates().map((c) => c.definition));
    for (const d of task.docs) for (const c of d.choices as string[]) {
      expect(heldDefs.has(c)).toBe(true);
      expect(posOf.get(c)?.has(d.pos as string)).toBe(true);
    }
  });

  test("no asked word appears as a whole word in its own definition", () => {
    for (const d of task.docs) expect((d.choices as string[])[d.label as number]!).not.toMatch(new RegExp(`\\b${d.word as string}\\b`, "i"));
  });
});
