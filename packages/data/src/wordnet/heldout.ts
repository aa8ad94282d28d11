// The single source of truth for which words are held out: evaluation asks only about held-out words (eval's
// wordnet_define) and word-level training data (dialogue fine-tuning) must skip them. Never change the hash or the salt.

/** Share of words held out for evaluation (about 1 in 10). */
export const HELD_OUT_FRACTION = 0.1;

const SALT = "lathe:heldout-word:v1:";

/** A word's canonical form for the decision: trimmed, lowercased (locale-free), "_" and runs of spaces → one space. */
export function normalizeWord(lemma: string): string {
  return lemma.trim().toLowerCase().replace(/[_\s]+/g, " ");
}

const utf8 = new TextEncoder();

/** FNV-1a (32-bit) over the UTF-8 bytes of s (ASCII read directly: the dialogue data hashes ~10^5 words per call). */
export function fnv1a32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return fnv1a32Bytes(utf8.encode(s));
    h ^= c;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function fnv1a32Bytes(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Whether a word (a WordNet lemma, "ice_cream" or "Ice cream" alike) is held out for evaluation. Depends only on the
 * word: held out when FNV-1a of the salted canonical form falls in the lowest HELD_OUT_FRACTION of the 32-bit range.
 */
export function isHeldOutWord(lemma: string): boolean {
  return fnv1a32(SALT + normalizeWord(lemma)) < HELD_OUT_FRACTION * 2 ** 32;
}
