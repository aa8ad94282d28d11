// brown_next: HellaSwag-style continuation choice on held-out text. Context: a run of whole sentences (20-60 words)
// of one held-out document; choices: its true next sentence and 3 sentences of the same word count (or the nearest)
// taken from OTHER held-out documents, in a seeded order. Chance 0.25.
import type { Doc } from "../tasks/types.ts";
import { type Sentence, sentences, span, startsSentence } from "./sentences.ts";
import { type BuiltinTaskDef, fourChoice, itemRng, pickItems, placeAnswer, shuffle, tooLittleText } from "./task.ts";

export const CONTEXT_WORDS = [20, 60] as const;
export const ENDING_WORDS = [5, 40] as const;
const DISTRACTORS = 3;

interface Ending {
  readonly doc: number;
  readonly text: string;
  readonly words: number;
}

interface NextCandidate {
  readonly doc: number;
  readonly context: string;
  readonly ending: Ending;
}

/** A closed sentence of 5-40 words that starts like a sentence: usable as a true or a distractor ending. */
function ending(text: string, s: Sentence, doc: number): Ending | null {
  if (!s.closed || s.words < ENDING_WORDS[0] || s.words > ENDING_WORDS[1]) return null;
  const t = text.slice(s.start, s.end);
  return startsSentence(t) && !t.includes("\n") ? { doc, text: t, words: s.words } : null;
}

/** Non-overlapping (context, true ending) pairs of one document, in text order. */
export function nextCandidates(text: string, doc: number): NextCandidate[] {
  const ss = sentences(text);
  const out: NextCandidate[] = [];
  let i = 0;
  while (i < ss.length) {
    let words = 0;
    let j = i;
    while (j < ss.length && words < CONTEXT_WORDS[0]) words += ss[j++]!.words;
    const end = j < ss.length && words <= CONTEXT_WORDS[1] ? ending(text, ss[j]!, doc) : null;
    if (end) {
      out.push({ doc, context: span(text, ss, i, j - 1), ending: end });
      i = j + 1;
    } else i++;
  }
  return out;
}

/** Endings of every document by word count, in document order. */
function endingPool(heldOut: readonly string[]): Map<number, Ending[]> {
  const pool = new Map<number, Ending[]>();
  heldOut.forEach((text, doc) => {
    for (const s of sentences(text)) {
      const e = ending(text, s, doc);
      if (e) pool.get(e.words)?.push(e) ?? pool.set(e.words, [e]);
    }
  });
  return pool;
}

/** 3 distinct endings from other documents, nearest in word count first (same count, then ±1, ±2, ...). */
function distractors(c: NextCandidate, pool: Map<number, Ending[]>, rng: () => number): string[] | null {
  const picked: string[] = [];
  const used = new Set([c.ending.text]);
  for (let d = 0; d <= ENDING_WORDS[1] && picked.length < DISTRACTORS; d++) {
    for (const w of d === 0 ? [c.ending.words] : [c.ending.words - d, c.ending.words + d]) {
      const fresh = (pool.get(w) ?? []).filter((e) => e.doc !== c.doc && !used.has(e.text));
      for (const e of shuffle(fresh, rng)) {
        if (picked.length === DISTRACTORS) break;
        if (used.has(e.text)) continue;
        used.add(e.text);
        picked.push(e.text);
      }
    }
  }
  return picked.length === DISTRACTORS ? picked : null;
}

export const brownNext: BuiltinTaskDef = {
  name: "brown_next",
  about: "pick the true next sentence of a held-out passage among 4 (HellaSwag-style)",
  build({ heldOut, limit, seed }) {
    const pool = endingPool(heldOut);
    const seen = new Set<string>();
    const cands: NextCandidate[] = [];
    heldOut.forEach((text, doc) => {
      for (const c of nextCandidates(text, doc)) if (!seen.has(c.context)) (seen.add(c.context), cands.push(c));
    });
    // Rank every candidate, then walk the ranking: a candidate without 3 distractors is skipped, not fatal.
    const docs: Doc[] = [];
    for (const c of pickItems(cands, (x) => x.context, seed, cands.length)) {
      if (docs.length === limit) break;
      const rng = itemRng(seed, c.context);
      const ds = distractors(c, pool, rng);
      if (ds) docs.push({ context: c.context, ...placeAnswer(c.ending.text, ds, rng) });
    }
    if (docs.length === 0) throw tooLittleText("brown_next", heldOut.length, `needs a ${CONTEXT_WORDS[0]}-${CONTEXT_WORDS[1]} word run of sentences followed by one, and 3 endings from other documents`);
    return fourChoice("brown_next", "{{context}}", docs, { about: brownNext.about, seed, limit });
  },
};
