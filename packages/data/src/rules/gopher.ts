// Gopher heuristics (Rae et al. 2021, "Scaling Language Models", appendix A), following datatrove's
// GopherQualityFilter and GopherRepetitionFilter: same statistics, thresholds and order of checks.
import type { GopherQualityFilter, GopherRepetitionFilter } from "../params.ts";
import { IntCounter } from "./int-table.ts";
import { drop, r3, type Rule } from "./rule.ts";
import { fmix32, WordHashes } from "./words.ts";

const punct = /^[\p{P}\p{S}]+$/u;
const letter = /\p{L}/u;
const NON_SYMBOL = 1;
const HAS_LETTER = 2;

/** NON_SYMBOL: not all punctuation/symbols; HAS_LETTER: contains a letter. ASCII fast path, Unicode regexes else. */
function classify(w: string): number {
  let letterSeen = false;
  let nonPunct = false;
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i);
    if (c >= 128) return (punct.test(w) ? 0 : NON_SYMBOL) | (letter.test(w) ? HAS_LETTER : 0);
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) letterSeen = nonPunct = true;
    else if (c >= 48 && c <= 57) nonPunct = true;
  }
  return (nonPunct ? NON_SYMBOL : 0) | (letterSeen ? HAS_LETTER : 0);
}
const bullets = ["•", "‣", "⁃", "◦", "○", "●", "-", "*", "·"];

export function gopherQuality(p: GopherQualityFilter): Rule {
  const stop = new Set(p.stop_words.map((x) => x.toLowerCase()));
  const maxStop = Math.max(0, ...p.stop_words.map((x) => x.length));
  return {
    label: "filter/gopher_quality",
    perMessage: false,
    apply(text) {
      const words = text.split(/\s+/).filter(Boolean);
      const nWords = words.length;
      let nonSymbol = 0;
      let lenSum = 0;
      let alpha = 0;
      let stops = 0;
      for (const w of words) {
        const c = classify(w);
        if (c & NON_SYMBOL) {
          nonSymbol++;
          lenSum += w.length;
        }
        if (c & HAS_LETTER) alpha++;
        if (w.length <= maxStop && stop.has(w.toLowerCase())) stops++;
      }
      if (nonSymbol < p.min_doc_words) return drop("short_doc", `${nonSymbol} words < min_doc_words ${p.min_doc_words}`);
      if (p.max_doc_words > 0 && nonSymbol > p.max_doc_words) return drop("long_doc", `${nonSymbol} words > max_doc_words ${p.max_doc_words}`);
      const avg = nonSymbol > 0 ? lenSum / nonSymbol : 0;
      if (avg < p.min_avg_word_length) return drop("short_words", `mean word length ${r3(avg)} < ${p.min_avg_word_length}`);
      if (avg > p.max_avg_word_length) return drop("long_words", `mean word length ${r3(avg)} > ${p.max_avg_word_length}`);
      const hashes = count(text, "#");
      if (hashes / nWords > p.max_symbol_word_ratio) return drop("hashes", `'#' per word ${r3(hashes / nWords)} > ${p.max_symbol_word_ratio}`);
      const ell = count(text, "...") + count(text, "…");
      if (ell / nWords > p.max_symbol_word_ratio) return drop("ellipses", `ellipses per word ${r3(ell / nWords)} > ${p.max_symbol_word_ratio}`);
      const lines = text.split("\n");
      const bulletLines = lines.filter((l) => {
        const s = l.trimStart();
        return bullets.some((b) => s.startsWith(b));
      }).length;
      if (bulletLines / lines.length > p.max_bullet_lines_ratio) return drop("bullets", `bullet lines ${r3(bulletLines / lines.length)} > ${p.max_bullet_lines_ratio}`);
      const ellLines = lines.filter((l) => {
        const s = l.trimEnd();
        return s.endsWith("...") || s.endsWith("…");
      }).length;
      if (ellLines / lines.length > p.max_ellipsis_lines_ratio) return drop("ellipsis_lines", `lines ending in an ellipsis ${r3(ellLines / lines.length)} > ${p.max_ellipsis_lines_ratio}`);
      if (alpha / nWords < p.min_alpha_words_ratio) return drop("non_alpha", `words with a letter ${r3(alpha / nWords)} < ${p.min_alpha_words_ratio}`);
      if (stops < p.min_stop_words) return drop("stop_words", `${stops} stop words < min_stop_words ${p.min_stop_words}`);
      return text;
    },
  };
}

function count(s: string, sub: string): number {
  let n = 0;
  for (let i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + sub.length)) n++;
  return n;
}

/** Number of elements equal to an earlier one, and their total length in characters. */
export function findDuplicates(xs: readonly string[]): { dups: number; chars: number } {
  const seen = new Set<string>();
  let dups = 0;
  let chars = 0;
  for (const x of xs) {
    if (seen.has(x)) {
      dups++;
      chars += x.length;
    } else seen.add(x);
  }
  return { dups, chars };
}

export function gopherRepetition(p: GopherRepetitionFilter): Rule {
  const w = new WordHashes();
  let keys = new Int32Array(4096); // (W) running n-gram hashes
  let wl = new Int32Array(4096); // (W) word lengths
  const topByN = new Map(p.top_ngrams.map((x) => [x.n, x.max_fraction] as const));
  const dupByN = new Map(p.dup_ngrams.map((x) => [x.n, x.max_fraction] as const));
  const table = new IntCounter();
  const maxK = Math.max(1, ...topByN.keys(), ...dupByN.keys());
  return {
    label: "filter/gopher_repetition",
    perMessage: false,
    apply(text) {
      const len = text.length;
      const paras = text.trim().split(/\n{2,}/);
      const pd = findDuplicates(paras);
      if (pd.dups / paras.length > p.dup_para_frac) return drop("dup_para_frac", `duplicated paragraphs ${r3(pd.dups / paras.length)} > ${p.dup_para_frac}`);
      if (pd.chars / len > p.dup_para_char_frac) return drop("dup_para_char_frac", `chars in duplicated paragraphs ${r3(pd.chars / len)} > ${p.dup_para_char_frac}`);
      const lines = text.split(/\n+/);
      const ld = findDuplicates(lines);
      if (ld.dups / lines.length > p.dup_line_frac) return drop("dup_line_frac", `duplicated lines ${r3(ld.dups / lines.length)} > ${p.dup_line_frac}`);
      if (ld.chars / len > p.dup_line_char_frac) return drop("dup_line_char_frac", `chars in duplicated lines ${r3(ld.chars / len)} > ${p.dup_line_char_frac}`);
      // n-gram statistics over word hashes; an n-gram's length is its words' characters (datatrove joins words).
      // keys[i] holds the running hash of the k words starting at i, extended by one word per k, so every k
      // costs O(words); lookups use int32 keys (collisions within one document are negligible).
      w.scan(text);
      const n = w.count;
      if (n > keys.length) {
        keys = new Int32Array(Math.max(n, keys.length * 2));
        wl = new Int32Array(keys.length);
      }
      for (let i = 0; i < n; i++) {
        keys[i] = w.hashes[i]!;
        wl[i] = w.ends[i]! - w.starts[i]!;
      }
      const gramLen = (i: number, k: number) => {
        let s = k - 1; // the joining spaces
        for (let j = 0; j < k; j++) s += wl[i + j]!;
        return s;
      };
      for (let k = 2; k <= maxK && k <= n; k++) {
        const m = n - k + 1;
        for (let i = 0; i < m; i++) keys[i] = Math.imul((keys[i]! << 5) | (keys[i]! >>> 27), 0x9e3779b1) ^ w.hashes[i + k - 1]!;
        const top = topByN.get(k);
        if (top !== undefined) {
          table.reset(m);
          let best = 0;
          let bestAt = 0;
          for (let i = 0; i < m; i++) {
            const c = table.inc(fmix32(keys[i]!) | 0);
            if (c > best) {
              best = c;
              bestAt = i;
            }
          }
          const frac = (best * gramLen(bestAt, k)) / len;
          if (best > 1 && frac > top) {
            const g = Array.from({ length: k }, (_, j) => w.word(bestAt + j)).join(" ");
            return drop(`top_${k}_gram`, `top ${k}-gram "${g}" ×${best} covers ${r3(frac)} of chars > ${top}`);
          }
        }
        const dup = dupByN.get(k);
        if (dup !== undefined) {
          // datatrove's find_all_duplicate: a repeated n-gram counts its chars and skips past itself.
          table.reset(m);
          let rep = 0;
          let i = 0;
          while (i < m) {
            if (table.inc(fmix32(keys[i]!) | 0) > 1) {
              rep += gramLen(i, k) - (k - 1);
              i += k;
            } else i++;
          }
          if (rep / len > dup) return drop(`dup_${k}_grams`, `chars in repeated ${k}-grams ${r3(rep / len)} > ${dup}`);
        }
      }
      return text;
    },
  };
}
