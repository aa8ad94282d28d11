// How the dialogue data is scored: the rl stage's verifiable synonym reward (eval's chat_synonym reports the same
// number) and definition exact match. Pure functions of strings, so every stage judges an answer alike.

/**
 * An answer's comparable form: NFKC, lowercase, apostrophes dropped ("don't" → "dont"), every other run of
 * non-letters and non-digits one space, trimmed. "  Well-being! " → "well being".
 */
export function normalizeAnswer(s: string): string {
  return s
    .normalize("NFKC")
    .toLowerCase()
    .replace(/['’`]/g, "")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** 1 when the normalized answer is one of the lemmas or contains one as whole words ("big, or large" names "large"), else 0. */
export function rewardNamesLemma(answer: string, lemmas: readonly string[]): number {
  const a = ` ${normalizeAnswer(answer)} `;
  for (const l of lemmas) {
    const n = normalizeAnswer(l);
    if (n !== "" && a.includes(` ${n} `)) return 1;
  }
  return 0;
}

/** 1 when answer and reference are equal once normalized (case, punctuation and spacing ignored), else 0. */
export function exactMatch(answer: string, reference: string): number {
  return normalizeAnswer(answer) === normalizeAnswer(reference) ? 1 : 0;
}
