// brown_cloze: LAMBADA-style last-word prediction on held-out passages. Each item is a run of whole sentences
// (40-80 words) from one held-out document whose final word is alphabetic with >= 3 letters; the model sees the
// passage up to that word and is scored on the word (perplexity, and acc = the word is the greedy continuation).
// Chance: acc of always answering the most frequent target among the built items (a unigram-guess baseline).
import type { Doc } from "../tasks/types.ts";
import { sentences, span } from "./sentences.ts";
import { type BuiltinTaskDef, loaded, pickItems, tooLittleText } from "./task.ts";

export const MIN_WORDS = 40;
export const MAX_WORDS = 80;
const LAST_WORD = /(?:^|\s)["'(]*([A-Za-z]{3,})[.!?]+["')\]]*$/;

export interface ClozeItem {
  readonly context: string;
  readonly target: string;
}

/** Non-overlapping cloze items of one document, in text order. */
export function clozeItems(text: string): ClozeItem[] {
  const ss = sentences(text);
  const out: ClozeItem[] = [];
  let i = 0;
  while (i < ss.length) {
    let words = 0;
    let j = i;
    while (j < ss.length && words + ss[j]!.words < MIN_WORDS) words += ss[j++]!.words;
    if (j >= ss.length) break;
    words += ss[j]!.words;
    const passage = span(text, ss, i, j);
    const m = ss[j]!.closed && words <= MAX_WORDS ? LAST_WORD.exec(passage) : null;
    if (m) {
      const at = m.index + m[0].indexOf(m[1]!); // the prefix before the word is only space and opening quotes
      out.push({ context: passage.slice(0, at).trimEnd(), target: m[1]! });
      i = j + 1;
    } else i++;
  }
  return out;
}

/** Share of items whose target is the most frequent target: what "always guess that word" scores. */
export function modeBaseline(targets: readonly string[]): number {
  const counts = new Map<string, number>();
  let best = 0;
  for (const t of targets) {
    const c = (counts.get(t) ?? 0) + 1;
    counts.set(t, c);
    if (c > best) best = c;
  }
  return targets.length === 0 ? 0 : best / targets.length;
}

export const brownCloze: BuiltinTaskDef = {
  name: "brown_cloze",
  about: "predict the last word of a held-out passage (LAMBADA-style)",
  build({ heldOut, limit, seed }) {
    const seen = new Set<string>();
    const cands: ClozeItem[] = [];
    for (const text of heldOut) {
      for (const it of clozeItems(text)) {
        const key = `${it.context}\u0000${it.target}`;
        if (!seen.has(key)) (seen.add(key), cands.push(it));
      }
    }
    if (cands.length === 0) throw tooLittleText("brown_cloze", heldOut.length, `needs a run of ${MIN_WORDS}-${MAX_WORDS} words of whole sentences ending in a word of 3+ letters`);
    const items = pickItems(cands, (c) => `${c.context} ${c.target}`, seed, limit);
    const docs: Doc[] = items.map((c) => ({ context: c.context, target: c.target }));
    return loaded(
      {
        task: "brown_cloze",
        output_type: "loglikelihood",
        doc_to_text: "{{context}}",
        doc_to_target: "{{target}}",
        target_delimiter: " ",
        num_fewshot: 0,
        metric_list: [
          { metric: "acc", aggregation: "mean", higher_is_better: true },
          { metric: "perplexity", aggregation: "perplexity", higher_is_better: false },
        ],
        metadata: { version: 1, about: brownCloze.about, seed, limit, chance: "acc of always answering the most frequent target word" },
      },
      docs,
      modeBaseline(items.map((c) => c.target)),
    );
  },
};
