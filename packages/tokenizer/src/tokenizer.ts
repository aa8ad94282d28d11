// The interface every Lathe tokenizer kind implements (char, byte, bpe), and the streaming decoder.
import type { SpecialToken } from "./bpe/specials.ts";
import type { IdBuffer } from "./ids.ts";

export type TokenizerKind = "char" | "byte" | "bpe";

export interface EncodeOptions {
  /**
   * "all": special-token strings in the text become their special ids (like Hugging Face added tokens).
   * "none": they are encoded as ordinary text (use this for untrusted document text).
   * @default "all"
   */
  readonly specials?: "all" | "none";
}

export interface Tokenizer {
  readonly kind: TokenizerKind;
  /** One past the largest id. */
  readonly vocabSize: number;
  readonly specials: readonly SpecialToken[];
  /** Id of a special token by its content, or undefined. */
  specialId(content: string): number | undefined;
  encode(text: string, opts?: EncodeOptions): Uint32Array;
  /** Appends the ids of text to out (the allocation-free form of encode). */
  encodeInto(text: string, out: IdBuffer, opts?: EncodeOptions): void;
  encodeBatch(texts: readonly string[], opts?: EncodeOptions): Uint32Array[];
  /** Exact bytes of a token sequence (specials give their UTF-8 text). */
  decodeBytes(ids: ArrayLike<number>): Uint8Array;
  /** Text of a token sequence; invalid UTF-8 (e.g. a cut multi-byte char) decodes to U+FFFD. */
  decode(ids: ArrayLike<number>): string;
  /** Bytes of one token. */
  tokenBytes(id: number): Uint8Array;
  /** A decoder for generation: push ids one at a time, get text once its UTF-8 is complete. */
  streamDecoder(): StreamDecoder;
}

/** Turns token ids into text incrementally, holding back an incomplete UTF-8 sequence until its bytes arrive. */
export class StreamDecoder {
  private readonly td = new TextDecoder("utf-8", { fatal: false });
  constructor(private readonly tok: Pick<Tokenizer, "tokenBytes">) {}

  /** The text completed by this token ("" while a multi-byte character is still partial). */
  push(id: number): string {
    return this.td.decode(this.tok.tokenBytes(id), { stream: true });
  }

  /** End of stream: any held partial sequence comes out as U+FFFD. */
  flush(): string {
    return this.td.decode();
  }
}

const textDecoder = new TextDecoder("utf-8", { fatal: false });
export function decodeUtf8(bytes: Uint8Array): string {
  return textDecoder.decode(bytes);
}
