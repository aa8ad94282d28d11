// wordnet_define: pick a held-out word's WordNet definition among 4. Words: single lowercase alphabetic lemmas with
// one sense in all of WordNet (so the question has one answer) that isHeldOutWord keeps for evaluation; distractors:
// definitions of other such words of the same part of speech, seeded. Needs no held-out text. Chance 0.25.
import { isHeldOutWord, normalizeWord, readWordNet, type Synset, WORDNET_FILES, type WordNetFile } from "@lathe/data";
import type { Doc } from "../tasks/types.ts";
import { type BuiltinTaskDef, fourChoice, itemRng, pickItems, placeAnswer, shuffle, tooLittleText } from "./task.ts";

const POS_NAME: Record<WordNetFile, string> = { noun: "noun", verb: "verb", adj: "adjective", adv: "adverb" };

export interface DefineCandidate {
  readonly word: string;
  readonly pos: WordNetFile;
  readonly definition: string;
}

let cached: readonly DefineCandidate[] | null = null;

/** Every askable word, in WordNet file order (noun, verb, adj, adv; by offset). */
export function defineCandidates(): readonly DefineCandidate[] {
  if (cached) return cached;
  const senses = new Map<string, number>();
  for (const f of WORDNET_FILES) for (const s of readWordNet(f)) for (const l of s.lemmas) senses.set(normalizeWord(l), (senses.get(normalizeWord(l)) ?? 0) + 1);
  const out: DefineCandidate[] = [];
  for (const pos of WORDNET_FILES) {
    for (const s of readWordNet(pos)) {
      for (const word of s.lemmas) {
        if (askable(word, s, senses)) out.push({ word, pos, definition: s.definition });
      }
    }
  }
  cached = Object.freeze(out);
  return cached;
}

function askable(word: string, s: Synset, senses: ReadonlyMap<string, number>): boolean {
  return (
    /^[a-z]{3,}$/.test(word) &&
    senses.get(word) === 1 &&
    isHeldOutWord(word) &&
    s.definition !== "" &&
    !new RegExp(`\\b${word}\\b`, "i").test(s.definition) // the definition must not give the word away
  );
}

export const wordnetDefine: BuiltinTaskDef = {
  name: "wordnet_define",
  about: "pick a held-out word's dictionary definition among 4 (WordNet)",
  build({ limit, seed }) {
    const cands = defineCandidates();
    if (cands.length === 0) throw tooLittleText("wordnet_define", 0, "WordNet yielded no held-out single-sense word");
    const byPos = new Map<WordNetFile, string[]>();
    for (const c of cands) byPos.get(c.pos)?.push(c.definition) ?? byPos.set(c.pos, [c.definition]);
    const docs: Doc[] = [];
    for (const c of pickItems(cands, (x) => `${x.pos}:${x.word}`, seed, limit)) {
      const rng = itemRng(seed, `${c.pos}:${c.word}`);
      const pool = byPos.get(c.pos)!;
      const picked = new Set<string>([c.definition]);
      // Rejection sampling: the pools hold hundreds to thousands of distinct definitions.
      for (let tries = 0; picked.size < 4 && tries < 1000; tries++) picked.add(pool[Math.floor(rng() * pool.length)]!);
      if (picked.size < 4) continue;
      const ds = shuffle([...picked].slice(1), rng);
      docs.push({ word: c.word, pos: POS_NAME[c.pos], ...placeAnswer(c.definition, ds, rng) });
    }
    return fourChoice("wordnet_define", 'Question: What does "{{word}}" mean?\nAnswer:', docs, { about: wordnetDefine.about, seed, limit });
  },
};
