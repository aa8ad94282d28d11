// Open-addressing lookups keyed by a slice s[i, j) of a string, without allocating the key: shared by the encoder's
// chunk cache and the trainer's chunk counter. Keys live in a UTF-16 pool; a slot has (hash, length, pool offset).

/** FNV-1a over the UTF-16 units of s[i, j), with a final shift so the low bits (the slot index) are mixed. */
export function sliceHash(s: string, i: number, j: number): number {
  let h = 0x811c9dc5 | 0;
  for (let k = i; k < j; k++) h = Math.imul(h ^ s.charCodeAt(k), 0x01000193);
  return h ^ (h >>> 13);
}

/**
 * The slot holding s[i, j) (hash h), or ~slot of the empty slot where it belongs.
 * hashes, lens (0 = empty), keyAt: (slots); chars: (pool); mask = slots - 1.
 */
export function probeSlice(
  hashes: Int32Array,
  lens: Int32Array,
  keyAt: Int32Array,
  chars: Uint16Array,
  mask: number,
  s: string,
  i: number,
  j: number,
  h: number,
): number {
  const len = j - i;
  let slot = h & mask;
  for (; lens[slot] !== 0; slot = (slot + 1) & mask) {
    if (hashes[slot] !== h || lens[slot] !== len) continue;
    const at = keyAt[slot];
    let k = 0;
    while (k < len && chars[at + k] === s.charCodeAt(i + k)) k++;
    if (k === len) return slot;
  }
  return ~slot;
}

/** The pool a with room for at least min units (doubling), contents kept. */
export function grow16(a: Uint16Array, min: number): Uint16Array {
  const b = new Uint16Array(Math.max(min, a.length * 2));
  b.set(a);
  return b;
}
