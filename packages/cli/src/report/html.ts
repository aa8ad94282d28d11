// HTML building blocks for the report page: escaping text and attributes, and JSON that is safe inside <script>.

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text or an attribute value with &, <, >, " and ' escaped. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/**
 * JSON for a <script type="application/json"> element: "<" (so no "</script>" or "<!--" can end it early) and the
 * line separators U+2028/9 are written as \u escapes, which JSON.parse reads back unchanged.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

/** Inline script or style text: a closing tag inside it would end the element, so it is broken up. */
export function inlineCode(code: string, tag: "script" | "style"): string {
  return code.replace(new RegExp(`</${tag}`, "gi"), `<\\/${tag}`);
}
