// C4 rules (Raffel et al. 2020) and FineWeb's own quality rules (Penedo et al. 2024), after datatrove's
// C4QualityFilter and FineWebQualityFilter. C4 removes offending lines and then judges what is left.
import type { C4Filter, FineWebFilter } from "../params.ts";
import { findDuplicates } from "./gopher.ts";
import { drop, r3, type Rule } from "./rule.ts";

const citation = /\[\d*\]|\[edit\]|\[citation needed\]/gi;
const endPunct = [".", "?", "!", '"', "'"];
const policy = ["terms of use", "privacy policy", "cookie policy", "uses cookies", "use of cookies", "use cookies"];
const sentenceEnd = /[.!?]+(?=\s|$)/g;

export function c4Filter(p: C4Filter): Rule {
  return {
    label: "filter/c4",
    perMessage: false,
    apply(text) {
      const kept: string[] = [];
      let sentences = 0;
      for (const raw of text.split("\n")) {
        let line = raw.trim();
        const words = line.split(/\s+/).filter(Boolean);
        const long = words.find((x) => x.length > p.max_word_length);
        if (long !== undefined) return drop("long_word", `a word of ${long.length} chars > max_word_length ${p.max_word_length}`);
        if (p.remove_citations) line = line.replace(citation, "");
        if (p.filter_no_terminal_punct && (!endPunct.some((e) => line.endsWith(e)) || line.endsWith("..."))) continue;
        if (words.length < p.min_words_per_line) continue;
        const lower = line.toLowerCase();
        if (p.filter_lorem_ipsum && lower.includes("lorem ipsum")) return drop("lorem_ipsum", "contains 'lorem ipsum'");
        if (p.filter_javascript && lower.includes("javascript")) continue;
        if (p.filter_curly_bracket && line.includes("{")) return drop("curly_bracket", "contains '{' (likely code)");
        if (p.filter_policy && policy.some((s) => lower.includes(s))) continue;
        sentences += Math.max(1, (line.match(sentenceEnd) ?? []).length);
        kept.push(line);
      }
      if (sentences < p.min_num_sentences) return drop("too_few_sentences", `${sentences} sentences after line rules < min_num_sentences ${p.min_num_sentences}`);
      return kept.join("\n").trim();
    },
  };
}

// Terminal punctuation used by FineWeb's line-punctuation rule (a subset of datatrove's TERMINAL_PUNCTUATION).
const terminal = [".", "!", "?", '"', "'", "”", "’", "…", "。", "！", "？", "؟", "।", "॥", ";", ":", ")"];

export function fineWebFilter(p: FineWebFilter): Rule {
  return {
    label: "filter/fineweb",
    perMessage: false,
    apply(text) {
      const lines = text.split("\n").filter((l) => l.trim() !== "");
      if (lines.length === 0) return drop("empty", "no non-empty lines");
      const punctFrac = lines.filter((l) => terminal.some((e) => l.endsWith(e))).length / lines.length;
      if (punctFrac <= p.line_punct_thr && !(punctFrac === 0 && p.line_punct_exclude_zero)) return drop("line_punct_ratio", `lines ending in punctuation ${r3(punctFrac)} <= ${p.line_punct_thr}`);
      const shortFrac = lines.filter((l) => l.length <= p.short_line_length).length / lines.length;
      if (shortFrac >= p.short_line_thr) return drop("short_line_ratio", `lines of <= ${p.short_line_length} chars ${r3(shortFrac)} >= ${p.short_line_thr}`);
      const dupChars = findDuplicates(lines).chars / Math.max(1, text.length - (text.match(/\n/g)?.length ?? 0));
      if (dupChars >= p.char_duplicates_ratio) return drop("char_dup_ratio", `chars in duplicated lines ${r3(dupChars)} >= ${p.char_duplicates_ratio}`);
      const words = text.split(/\s+/).filter(Boolean).length;
      const nl = text.match(/\n/g)?.length ?? 0;
      if (nl / Math.max(1, words) > p.new_line_ratio) return drop("list_ratio", `newlines per word ${r3(nl / words)} > ${p.new_line_ratio}`);
      return text;
    },
  };
}
