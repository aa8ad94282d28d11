// Character-level tokenizer: one id per Unicode code point seen in the training split, then the specials.
// Characters never seen in training follow the unknown-char policy: "unk" (the <|unk|> special), "skip" (dropped),
// or "error" (throws UnknownCharError). Lone surrogates count as U+FFFD, as everywhere in Lathe.
import { UnknownCharError, TokenIdError } from "./errors.ts";
import { IdBuffer } from "./ids.ts";
import { SpecialMatcher, type SpecialToken } from "./bpe/specials.ts";
import { StreamDecoder, decodeUtf8, type EncodeOptions, type Tokenizer } from "./tokenizer.ts";
import { UNK } from "./presets.ts";
import { utf8 } from "./utf8.ts";

export type UnknownCharPolicy = "unk" | "skip" | "error";

export interface CharSpec {
  /** id -> one code point, for ids 0..chars.length-1. */
  readonly chars: readonly string[];
  readonly specials: readonly SpecialToken[];
  readonly unknown: UnknownCharPolicy;
}

/** Code point at s[i] with lone surrogates read as U+FFFD, and its UTF-16 width. */
function codePoint(s: string, i: number): [number, number] {
  const c = s.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdfff) {
    const d = s.charCodeAt(i + 1);
    if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) return [0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00), 2];
    return [0xfffd, 1];
  }
  return [c, 1];
}

/** The sorted set of code points in some texts (for building a CharSpec). */
export function charAlphabet(texts: Iterable<string>, maxChars: number | null = null): string[] {
  const seen = new Set<number>();
  let n = 0;
  for (const t of texts) {
    for (let i = 0; i < t.length; ) {
      const [cp, w] = codePoint(t, i);
      seen.add(cp);
      i += w;
    }
    n += t.length;
    if (maxChars !== null && n >= maxChars) break;
  }
  return [...seen].sort((a, b) => a - b).map((cp) => String.fromCodePoint(cp));
}

/** Ids for an alphabet: chars first, then the specials, then <|unk|> when the policy is "unk". */
export function charSpec(alphabet: readonly string[], specials: readonly string[], unknown: UnknownCharPolicy): CharSpec {
  const names = unknown === "unk" && !specials.includes(UNK) ? [...specials, UNK] : [...specials];
  return { chars: alphabet, specials: names.map((content, i) => ({ content, id: alphabet.length + i })), unknown };
}

export class CharTokenizer implements Tokenizer {
  readonly kind = "char" as const;
  readonly vocabSize: number;
  readonly specials: readonly SpecialToken[];
  private readonly ids = new Map<number, number>();
  private readonly bytes: Uint8Array[];
  private readonly matcher: SpecialMatcher;
  private readonly unkId: number;

  constructor(readonly spec: CharSpec) {
    this.specials = spec.specials;
    spec.chars.forEach((ch, id) => this.ids.set(ch.codePointAt(0)!, id));
    this.vocabSize = spec.chars.length + spec.specials.length;
    this.bytes = [...spec.chars, ...spec.specials.map((s) => s.content)].map((s) => utf8(s));
    this.matcher = new SpecialMatcher(spec.specials);
    this.unkId = this.matcher.id(UNK) ?? -1;
  }

  specialId(content: string): number | undefined {
    return this.matcher.id(content);
  }

  private encodeOrdinary(s: string, start: number, end: number, out: IdBuffer): void {
    for (let i = start; i < end; ) {
      const [cp, w] = codePoint(s, i);
      const id = this.ids.get(cp);
      if (id !== undefined) out.push(id);
      else if (this.spec.unknown === "unk" && this.unkId >= 0) out.push(this.unkId);
      else if (this.spec.unknown === "error") throw new UnknownCharError(String.fromCodePoint(cp), i);
      i += w;
    }
  }

  encodeInto(text: string, out: IdBuffer, opts?: EncodeOptions): void {
    if (opts?.specials === "none") this.encodeOrdinary(text, 0, text.length, out);
    else this.matcher.scan(text, (a, b) => this.encodeOrdinary(text, a, b, out), (id) => out.push(id));
  }

  encode(text: string, opts?: EncodeOptions): Uint32Array {
    const out = new IdBuffer(text.length + 1);
    this.encodeInto(text, out, opts);
    return out.toArray();
  }

  encodeBatch(texts: readonly string[], opts?: EncodeOptions): Uint32Array[] {
    return texts.map((t) => this.encode(t, opts));
  }

  tokenBytes(id: number): Uint8Array {
    const b = this.bytes[id];
    if (b === undefined) throw new TokenIdError(id, 0, this.vocabSize);
    return b;
  }

  decodeBytes(ids: ArrayLike<number>): Uint8Array {
    const parts: Uint8Array[] = [];
    let n = 0;
    for (let i = 0; i < ids.length; i++) {
      const b = this.bytes[ids[i]];
      if (b === undefined) throw new TokenIdError(ids[i], i, this.vocabSize);
      parts.push(b);
      n += b.length;
    }
    const out = new Uint8Array(n);
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }

  decode(ids: ArrayLike<number>): string {
    return decodeUtf8(this.decodeBytes(ids));
  }

  streamDecoder(): StreamDecoder {
    return new StreamDecoder(this);
  }
}
