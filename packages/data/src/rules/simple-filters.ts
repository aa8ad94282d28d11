// Small filters: length bounds and custom regex keep/drop.
import type { LengthFilter, RegexFilter } from "../params.ts";
import { drop, type Rule } from "./rule.ts";

export function lengthFilter(p: LengthFilter): Rule {
  const countWords = p.min_words > 0 || p.max_words > 0;
  return {
    label: "filter/length",
    perMessage: false,
    apply(text) {
      if (text.length < p.min_chars) return drop("too_short", `${text.length} chars < min_chars ${p.min_chars}`);
      if (p.max_chars > 0 && text.length > p.max_chars) return drop("too_long", `${text.length} chars > max_chars ${p.max_chars}`);
      if (countWords) {
        const n = text.split(/\s+/).filter(Boolean).length;
        if (n < p.min_words) return drop("too_few_words", `${n} words < min_words ${p.min_words}`);
        if (p.max_words > 0 && n > p.max_words) return drop("too_many_words", `${n} words > max_words ${p.max_words}`);
      }
      return text;
    },
  };
}

export function regexFilter(p: RegexFilter): Rule {
  const re = new RegExp(p.pattern, p.flags.replace(/g/g, ""));
  return {
    label: "filter/regex",
    perMessage: false,
    apply(text) {
      const m = re.exec(text);
      if (p.action === "drop" && m) return drop("matched", `matches /${p.pattern}/ at ${m.index}: ${JSON.stringify(m[0].slice(0, 60))}`);
      if (p.action === "keep" && !m) return drop("not_matched", `does not match /${p.pattern}/`);
      return text;
    },
  };
}
