// filter/language: keep documents in the listed languages, detected by eld (fast n-gram langid), franc (trigram
// langid over ~190 languages, ~20x slower) or the dominant Unicode script of their letters. eld and franc are
// imported only when a recipe uses them (eld's tables take ~400 ms to load, which planning commands should not
// pay): loadLanguageDetector() before building the rule.
import { RuleSetupError } from "../errors.ts";
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

type Method = LanguageFilter["method"];
const detectors = new Map<Method, (sample: string) => string>([["script", dominantScript]]);

/** Load the detector a language filter with this method uses (idempotent). */
export async function loadLanguageDetector(method: Method): Promise<void> {
  if (detectors.has(method)) return;
  if (method === "franc") {
    const { franc } = await import("franc");
    detectors.set("franc", (sample) => franc(sample, { minLength: 10 }));
  } else {
    const { eld } = await import("eld/small");
    detectors.set("langid", (sample) => {
      const r = eld.detect(sample);
      return r.language && r.isReliable() ? r.language : "und";
    });
  }
}

export function languageFilter(p: LanguageFilter): Rule {
  const detect = detectors.get(p.method);
  if (!detect) throw new RuleSetupError("filter/language", `the ${p.method} detector is not loaded`);
  const want = new Set(p.method === "franc" ? p.languages.map((l) => iso1to3[l] ?? l) : p.method === "langid" ? p.languages.map((l) => iso3to1[l] ?? l) : p.languages);
  return {
    label: "filter/language",
    perMessage: false,
    apply(text) {
      const lang = detect(text.slice(0, p.sample_chars));
      if (lang === "und") return p.keep_undetermined ? text : drop("undetermined", `language undetermined by ${p.method} (${text.length} chars)`);
      return want.has(lang) ? text : drop(lang, `detected ${lang}, not in [${p.languages.join(", ")}]`);
    },
  };
}
