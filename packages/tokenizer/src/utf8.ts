// UTF-8 helpers and GPT-2's byte-to-unicode table (used by the HF and Lathe JSON formats to print bytes as text).
// Policy for lone surrogates: JavaScript strings may hold unpaired UTF-16 surrogates, which are not Unicode
// scalar values and have no UTF-8 form. Like TextEncoder, Lathe encodes each one as U+FFFD (EF BF BD), so
// decode(encode(s)) === s.toWellFormed() for every string, and === s for every well-formed string.

/**
 * Encode s[start, end) as UTF-8 into buf (which must hold 3 * (end - start) bytes). Returns the byte count.
 * Lone surrogates become U+FFFD, exactly as TextEncoder does.
 */
export function utf8Into(s: string, start: number, end: number, buf: Uint8Array): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      buf[n++] = c;
    } else if (c < 0x800) {
      buf[n++] = 0xc0 | (c >> 6);
      buf[n++] = 0x80 | (c & 63);
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const d = i + 1 < end ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        buf[n++] = 0xf0 | (cp >> 18);
        buf[n++] = 0x80 | ((cp >> 12) & 63);
        buf[n++] = 0x80 | ((cp >> 6) & 63);
        buf[n++] = 0x80 | (cp & 63);
        i++;
      } else {
        c = 0xfffd; // lone surrogate
        buf[n++] = 0xef;
        buf[n++] = 0xbf;
        buf[n++] = 0xbd;
      }
    } else {
      buf[n++] = 0xe0 | (c >> 12);
      buf[n++] = 0x80 | ((c >> 6) & 63);
      buf[n++] = 0x80 | (c & 63);
    }
  }
  return n;
}

const encoder = new TextEncoder();
export function utf8(s: string): Uint8Array {
  return encoder.encode(s);
}

/** GPT-2's reversible map from bytes to printable code points: byteToUnicode[b] is a one-char string. */
export const byteToUnicode: readonly string[] = (() => {
  const bs: number[] = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 161; b <= 172; b++) bs.push(b);
  for (let b = 174; b <= 255; b++) bs.push(b);
  const cs = bs.slice();
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n++);
    }
  }
  const out: string[] = new Array(256);
  for (let i = 0; i < 256; i++) out[bs[i]] = String.fromCharCode(cs[i]);
  return out;
})();

const unicodeToByte = new Map<string, number>(byteToUnicode.map((ch, b) => [ch, b]));

/** bytes → GPT-2 byte-level string ("Ġthe" for " the"). */
export function bytesToVisible(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += byteToUnicode[bytes[i]];
  return s;
}

/** GPT-2 byte-level string → bytes, or null when a character is not in the byte alphabet. */
export function visibleToBytes(s: string): Uint8Array | null {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const b = unicodeToByte.get(s[i]);
    if (b === undefined) return null;
    out[i] = b;
  }
  return out;
}

/** A byte string as a Latin-1 JS string: one char per byte, usable as a Map key. */
export function bytesKey(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return s;
}
