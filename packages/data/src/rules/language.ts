// filter/language: keep documents in the listed languages, detected by eld (fast n-gram langid), franc (trigram
// langid over ~190 languages, ~20x slower) or the dominant Unicode script of their letters.
import { eld } from "eld/small";
import { franc } from "franc";
import type { LanguageFilter } from "../params.ts";
import { drop, type Rule } from "./rule.ts";

// ISO 639-1 ↔ the 639-3 code franc reports, for the common ones (other 639-3 codes pass through).
const iso1to3: Record<string, string> = {
  en: "eng", fr: "fra", de: "deu", es: "spa", it: "ita", pt: "por", nl: "nld", ru: "rus", uk: "ukr", pl: "pol",
  cs: "ces", sv: "swe", da: "dan", no: "nob", nb: "nob", fi: "fin", tr: "tur", el: "ell", ar: "arb", he: "heb",
  hi: "hin", bn: "ben", zh: "cmn", ja: "jpn", ko: "kor", vi: "vie", id: "ind", th: "tha", ro: "ron", hu: "hun",
};
const iso3to1: Record<string, string> = Object.fromEntries(Object.entries(iso1to3).map(([a, b]) => [b, a]));

const scripts: readonly [string, RegExp][] = [
  ["Latin", /\p{Script=Latin}/u], ["Cyrillic", /\p{Script=Cyrillic}/u], ["Greek", /\p{Script=Greek}/u],
  ["Arabic", /\p{Script=Arabic}/u], ["Hebrew", /\p{Script=Hebrew}/u], ["Devanagari", /\p{Script=Devanagari}/u],
  ["Han", /\p{Script=Han}/u], ["Hiragana", /\p{Script=Hiragana}/u], ["Katakana", /\p{Script=Katakana}/u],
  ["Hangul", /\p{Script=Hangul}/u], ["Thai", /\p{Script=Thai}/u],
];

/** The script most letters of text belong to, or "und" when it has no letters. */
export function dominantScript(text: string): string {
  const counts = new Map<string, number>();
  for (const ch of text) {
    if (!/\p{L}/u.test(ch)) continue;
    const s = scripts.find(([, re]) => re.test(ch))?.[0] ?? "Other";
    counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  let best = "und";
  let n = 0;
  for (const [s, c] of counts) if (c > n) [best, n] = [s, c];
  return best;
}

function detect(method: LanguageFilter["method"], sample: string): string {
  if (method === "script") return dominantScript(sample);
  if (method === "franc") return franc(sample, { minLength: 10 });
  const r = eld.detect(sample);
  return r.language && r.isReliable() ? r.language : "und";
}

export function languageFilter(p: LanguageFilter): Rule {
  const want = new Set(p.method === "franc" ? p.languages.map((l) => iso1to3[l] ?? l) : p.method === "langid" ? p.languages.map((l) => iso3to1[l] ?? l) : p.languages);
  return {
    label: "filter/language",
    perMessage: false,
    apply(text) {
      const lang = detect(p.method, text.slice(0, p.sample_chars));
      if (lang === "und") return p.keep_undetermined ? text : drop("undetermined", `language undetermined by ${p.method} (${text.length} chars)`);
      return want.has(lang) ? text : drop(lang, `detected ${lang}, not in [${p.languages.join(", ")}]`);
    },
  };
}
