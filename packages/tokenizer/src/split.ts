// Pre-tokenization: cut text into chunks that BPE never merges across.
// A Splitter returns the end (UTF-16 index) of the chunk that starts at i. The presets run as hand-written
// scanners that give exactly the chunks of their regex (split.test.ts checks this on random text) at a fraction
// of the cost; custom patterns run as a global "u" regex, and text between matches becomes its own chunk so no
// byte is ever dropped (HF's Split "Isolated" behaviour).
import { TokenizerConfigError } from "./errors.ts";
import { SPLIT_PRESETS, type SplitPreset } from "./presets.ts";

export type Splitter = (s: string, i: number) => number;

const L = 1; // \p{L}
const N = 2; // \p{N}
const S = 3; // \s
const O = 4; // anything else, including lone surrogates

/** cls[cp]: one of L N S O, or 0 while not yet computed (filled lazily from the same JS regexes). */
const cls = new Uint8Array(0x110000);
const reL = /^\p{L}$/u;
const reN = /^\p{N}$/u;
const reS = /^\s$/u;
function classify(cp: number): number {
  const ch = String.fromCodePoint(cp);
  const c = reL.test(ch) ? L : reN.test(ch) ? N : reS.test(ch) ? S : O;
  cls[cp] = c;
  return c;
}
for (let cp = 0; cp < 128; cp++) classify(cp);

/** Class of the code point at s[i] (a high surrogate followed by a low one is one code point). */
function classAt(s: string, i: number): number {
  let cp = s.charCodeAt(i);
  if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < s.length) {
    const d = s.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) cp = 0x10000 + ((cp - 0xd800) << 10) + (d - 0xdc00);
  }
  const c = cls[cp];
  return c !== 0 ? c : classify(cp);
}

/** UTF-16 width of the code point at s[i]. */
function widthAt(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
    const d = s.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return 2;
  }
  return 1;
}

/** End of the run of class k starting at i. */
function runEnd(s: string, i: number, k: number): number {
  const n = s.length;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c < 128) {
      if (cls[c] !== k) break;
      i++;
    } else {
      if (classAt(s, i) !== k) break;
      i += widthAt(s, i);
    }
  }
  return i;
}

function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/** Length of a contraction ('s 't 'd 'm 're 've 'll) at s[i] === "'", or 0. */
function contraction(s: string, i: number, caseInsensitive: boolean): number {
  let a = s.charCodeAt(i + 1);
  let b = s.charCodeAt(i + 2);
  if (caseInsensitive) {
    a = lower(a);
    b = lower(b);
  }
  if (a === 115 || a === 116 || a === 100 || a === 109) return 2; // s t d m
  if ((a === 114 && b === 101) || (a === 118 && b === 101) || (a === 108 && b === 108)) return 3; // re ve ll
  return 0;
}

/** Whitespace run at i: `\s*[\r\n]` (when crlf), then `\s+(?!\S)`, then `\s+`. */
function whitespace(s: string, i: number, crlf: boolean): number {
  const j = runEnd(s, i, S);
  if (crlf) {
    for (let k = j - 1; k >= i; k--) {
      const c = s.charCodeAt(k);
      if (c === 10 || c === 13) return k + 1;
    }
  }
  if (j === s.length || j - i < 2) return j;
  return j - 1; // whitespace is all BMP, so the last code point is one unit wide
}

/** cl100k-style scanner; maxDigits 3 for gpt4, 2 for nanochat. */
function gpt4Scanner(maxDigits: number): Splitter {
  return (s, i) => {
    const c0 = s.charCodeAt(i);
    const k = c0 < 128 ? cls[c0] : classAt(s, i);
    if (c0 === 39) {
      const n = contraction(s, i, true);
      if (n > 0) return i + n;
    }
    if (k === L) return runEnd(s, i, L);
    const w = k === L || k === N ? 0 : widthAt(s, i);
    if (k !== N && c0 !== 10 && c0 !== 13 && i + w < s.length && classAt(s, i + w) === L) return runEnd(s, i + w, L);
    if (k === N) {
      let j = i;
      for (let d = 0; d < maxDigits && j < s.length && classAt(s, j) === N; d++) j += widthAt(s, j);
      return j;
    }
    let start = -1;
    if (k === O) start = i;
    else if (c0 === 32 && i + 1 < s.length && classAt(s, i + 1) === O) start = i + 1;
    if (start >= 0) {
      let j = runEnd(s, start, O);
      while (j < s.length) {
        const c = s.charCodeAt(j);
        if (c !== 10 && c !== 13) break;
        j++;
      }
      return j;
    }
    return whitespace(s, i, true);
  };
}

/** GPT-2 scanner. */
const gpt2Scanner: Splitter = (s, i) => {
  const c0 = s.charCodeAt(i);
  if (c0 === 39) {
    const n = contraction(s, i, false);
    if (n > 0) return i + n;
  }
  const k = c0 < 128 ? cls[c0] : classAt(s, i);
  if (k !== S) return runEnd(s, i, k);
  if (c0 === 32 && i + 1 < s.length) {
    const k1 = classAt(s, i + 1);
    if (k1 !== S) return runEnd(s, i + 1, k1);
  }
  return whitespace(s, i, false);
};

/** A splitter for any pattern: a global unicode regex; unmatched text between matches is kept as a chunk. */
export function regexSplitter(pattern: string, where = "/tokenizer/split_regex"): Splitter {
  let re: RegExp;
  try {
    re = new RegExp(pattern, "gu");
  } catch (cause) {
    throw new TokenizerConfigError(where, pattern, "write a JavaScript regex (u flag); possessive quantifiers and atomic groups are not supported", "invalid split regex", { cause });
  }
  return (s, i) => {
    re.lastIndex = i;
    const m = re.exec(s);
    if (m === null) return s.length;
    if (m.index > i) return m.index;
    if (m[0].length === 0) return i + widthAt(s, i);
    return i + m[0].length;
  };
}

/** The splitter for a pattern: a preset's scanner, a custom regex, or "" for no splitting at all. */
export function makeSplitter(pattern: string): Splitter {
  if (pattern === "") return (s) => s.length; // no pre-tokenization: each segment is one chunk
  if (pattern === SPLIT_PRESETS.gpt4) return gpt4Scanner(3);
  if (pattern === SPLIT_PRESETS.nanochat) return gpt4Scanner(2);
  if (pattern === SPLIT_PRESETS.gpt2) return gpt2Scanner;
  return regexSplitter(pattern);
}

/** Resolve a split option (a preset name, or "custom" with a regex) to its pattern string. */
export function splitPattern(split: SplitPreset | "custom", regex: string | null | undefined, where = "/tokenizer/split"): string {
  if (split === "custom") {
    if (!regex) throw new TokenizerConfigError(where, split, "set tokenizer.split_regex to a JavaScript regex when split is \"custom\"", "custom split without a regex");
    regexSplitter(regex, where.replace(/split$/, "split_regex"));
    return regex;
  }
  const p = SPLIT_PRESETS[split];
  if (p === undefined) throw new TokenizerConfigError(where, split, `use one of ${Object.keys(SPLIT_PRESETS).join(", ")} or "custom"`, "unknown split preset");
  return p;
}

/** Calls fn(start, end) for each chunk of s. */
export function forEachChunk(s: string, split: Splitter, fn: (start: number, end: number) => void): void {
  let i = 0;
  while (i < s.length) {
    const j = split(s, i);
    fn(i, j);
    i = j;
  }
}
