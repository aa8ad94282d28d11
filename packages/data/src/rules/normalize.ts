// normalize: Unicode NFC/NFKC, line endings, control and zero-width characters, spaces, blank-line runs.
import type { NormalizeRule } from "../params.ts";
import { drop, type Rule } from "./rule.ts";

// C0 except \t \n, DEL, C1; zero-width space/joiners, word joiner, BOM.
const control = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200d\u2060\ufeff]/g;
const spaces = /[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+/g;

export function normalizeRule(p: NormalizeRule): Rule {
  const newlines = p.max_newlines > 0 ? new RegExp(`\\n{${p.max_newlines + 1},}`, "g") : null;
  const keep = "\n".repeat(p.max_newlines);
  return {
    label: "normalize",
    perMessage: true,
    apply(text) {
      let t = text;
      if (p.line_endings) t = t.replace(/\r\n?/g, "\n");
      if (p.form !== "none") t = t.normalize(p.form);
      if (p.strip_control) t = t.replace(control, "");
      if (p.collapse_spaces) t = t.replace(spaces, " ").replace(/ ?\n ?/g, "\n").trim();
      if (newlines) t = t.replace(newlines, keep);
      return t.length === 0 ? drop("empty", "empty after normalization") : t;
    },
  };
}
