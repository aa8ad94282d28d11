// Sentence spans of plain English text, for cutting passages (brown_cloze, brown_next) out of held-out documents.
// A sentence ends at . ! ? (plus closing quotes/brackets) before whitespace, unless the word is an abbreviation or an
// initial; a newline also ends one (headings, paragraph ends). Spans index the original text, so passages are exact.

export interface Sentence {
  /** [start, end) in the document text. */
  readonly start: number;
  readonly end: number;
  /** Whitespace-separated tokens. */
  readonly words: number;
  /** Ends with . ! or ? (possibly followed by closing quotes or brackets), i.e. not a heading or a cut line. */
  readonly closed: boolean;
}

const ABBREVIATIONS = new Set(
  ("mr mrs ms dr st jr sr gen sen rep gov col lt capt sgt maj prof rev mt ft inc co corp ltd no vol vs etc esp " +
    "jan feb mar apr jun jul aug sep sept oct nov dec u.s u.n a.m p.m e.g i.e cf fig ca dept univ ave blvd").split(" "),
);

/** Whether the token ending just before `.` is an abbreviation or a one-letter initial ("J."). */
function abbreviation(token: string): boolean {
  const w = token.replace(/^["'(\[]+/, "").toLowerCase();
  return ABBREVIATIONS.has(w) || /^[a-z]$/.test(w) || /^([a-z]\.)+[a-z]$/.test(w);
}

const END = /[.!?]+["')\]]*(?=\s|$)/g;

export function sentences(text: string): Sentence[] {
  const out: Sentence[] = [];
  const push = (start: number, end: number, closed: boolean): void => {
    const s = text.slice(start, end);
    const lead = s.length - s.trimStart().length;
    const t = s.trim();
    if (t !== "") out.push({ start: start + lead, end: start + lead + t.length, words: t.split(/\s+/).length, closed });
  };
  let start = 0;
  END.lastIndex = 0;
  for (let m = END.exec(text); m !== null; m = END.exec(text)) {
    const end = m.index + m[0].length;
    // Lines break sentences too: flush every full line between start and this end as unclosed.
    let nl = text.indexOf("\n", start);
    while (nl >= 0 && nl < m.index) {
      push(start, nl, false);
      start = nl + 1;
      nl = text.indexOf("\n", start);
    }
    if (m[0].startsWith(".") && m[0].length === 1) {
      const tokStart = text.lastIndexOf(" ", m.index - 1) + 1;
      const tok = text.slice(Math.max(tokStart, start), m.index);
      if (abbreviation(tok)) continue;
    }
    push(start, end, true);
    start = end;
  }
  for (const line of text.slice(start).split("\n")) {
    push(start, start + line.length, false);
    start += line.length + 1;
  }
  return out;
}

/** The text's span of sentences [i, j] (inclusive). */
export function span(text: string, ss: readonly Sentence[], i: number, j: number): string {
  return text.slice(ss[i]!.start, ss[j]!.end);
}

/** Whether a sentence starts like one: a capital letter, or a quote/bracket then a capital. */
export function startsSentence(s: string): boolean {
  return /^["'(]?[A-Z]/.test(s);
}
