// sacreBLEU's text handling, ported: Python's str.split() whitespace, and the BLEU tokenizers "13a" (mteval-v13a,
// sacreBLEU's default), "intl" (mteval-v14), "char" and "none". Each returns the tokens joined by single spaces.

/** The characters Python's str.split() treats as whitespace (JS's \s differs: it has U+FEFF, lacks U+001C–U+001F and U+0085). */
const PY_WHITESPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;
const PY_TRAILING_WHITESPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/;

/** Python's `s.split()`: the non-empty runs between whitespace. */
export function splitWhitespace(s: string): string[] {
  return s.split(PY_WHITESPACE).filter((w) => w.length > 0);
}

/** Python's `s.rstrip()`. */
export function rstripWhitespace(s: string): string {
  return s.replace(PY_TRAILING_WHITESPACE, "");
}

// mteval-v13a's language-dependent rules, in order (sacreBLEU's TokenizerRegexp). No `u` flag: the classes are ASCII,
// and the rules only insert spaces, so matching UTF-16 units gives the same output as Python matching code points.
const RULES_13A: readonly (readonly [RegExp, string])[] = [
  [/([{-~[-` -&(-+:-@/])/g, " $1 "], // symbols and most punctuation stand alone
  [/([^0-9])([.,])/g, "$1 $2 "], // period and comma, unless preceded by a digit
  [/([.,])([^0-9])/g, " $1 $2"], // period and comma, unless followed by a digit
  [/([0-9])(-)/g, "$1 $2 "], // dash after a digit
];

/** sacreBLEU's default "13a" tokenizer (mteval-v13a.pl). */
export function tokenize13a(line: string): string {
  let s = line.replaceAll("<skipped>", "").replaceAll("-\n", "").replaceAll("\n", " ");
  if (s.includes("&")) {
    s = s.replaceAll("&quot;", '"').replaceAll("&amp;", "&").replaceAll("&lt;", "<").replaceAll("&gt;", ">");
  }
  s = ` ${s} `;
  for (const [re, repl] of RULES_13A) s = s.replace(re, repl);
  return splitWhitespace(s).join(" ");
}

// mteval-v14's international rules: punctuation (\p{P}) split off unless between digits, symbols (\p{S}) always.
const RULES_INTL: readonly (readonly [RegExp, string])[] = [
  [/(\P{N})(\p{P})/gu, "$1 $2 "],
  [/(\p{P})(\P{N})/gu, " $1 $2"],
  [/(\p{S})/gu, " $1 "],
];

/** sacreBLEU's "intl" tokenizer (mteval-v14.pl, Unicode punctuation and symbols). */
export function tokenizeIntl(line: string): string {
  let s = line;
  for (const [re, repl] of RULES_INTL) s = s.replace(re, repl);
  return splitWhitespace(s).join(" ");
}

/** sacreBLEU's "char" tokenizer: every code point a token. */
export function tokenizeChar(line: string): string {
  return Array.from(line).join(" ");
}

export type BleuTokenizerName = "13a" | "intl" | "char" | "none";

/** The tokenizers by the name sacreBLEU's signature gives them (`tok:13a`). */
export const BLEU_TOKENIZERS: Readonly<Record<BleuTokenizerName, (line: string) => string>> = {
  "13a": tokenize13a,
  intl: tokenizeIntl,
  char: tokenizeChar,
  none: (line) => line,
};
