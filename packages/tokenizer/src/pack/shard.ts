// llm.c token shards: a 256 x int32 little-endian header, then the tokens.
//   header[0] magic, header[1] version, header[2] token count.
//   uint16 tokens: magic 20240520, version 1 (llm.c's "gpt-2" layout);
//   uint32 tokens: magic 20240801, version 7 (llm.c's "llama-3" layout), so llm.c reads both.
// Loss masks (*.mask.bin) use the same header with magic MASK_MAGIC, version 1, then one uint8 per token.
import { readFileSync } from "node:fs";
import { TokenizerFormatError } from "../errors.ts";
import { AtomicWriter } from "../atomic.ts";

export type TokenDtype = "uint16" | "uint32";
export const HEADER_INTS = 256;
export const HEADER_BYTES = HEADER_INTS * 4;
export const SHARD_HEADERS: Readonly<Record<TokenDtype, { magic: number; version: number }>> = {
  uint16: { magic: 20240520, version: 1 },
  uint32: { magic: 20240801, version: 7 },
};
export const MASK_MAGIC = 0x4b534d4c; // "LMSK"

export function shardHeader(magic: number, version: number, count: number): Uint8Array {
  const h = new Int32Array(HEADER_INTS); // (256)
  h[0] = magic;
  h[1] = version;
  h[2] = count;
  return new Uint8Array(h.buffer);
}

/** Streams tokens (and optionally a mask) into a shard; the header's count is written on close. */
export class ShardWriter {
  private readonly out: AtomicWriter;
  private readonly mask: AtomicWriter | null;
  private buf: Uint16Array | Uint32Array; // (block) pending tokens
  private mbuf: Uint8Array; // (block) pending mask
  private n = 0;
  count = 0;

  constructor(
    path: string,
    readonly dtype: TokenDtype,
    maskPath: string | null,
    private readonly block = 1 << 20,
  ) {
    this.out = new AtomicWriter(path);
    this.out.write(new Uint8Array(HEADER_BYTES));
    this.mask = maskPath ? new AtomicWriter(maskPath) : null;
    this.mask?.write(new Uint8Array(HEADER_BYTES));
    this.buf = dtype === "uint16" ? new Uint16Array(block) : new Uint32Array(block);
    this.mbuf = new Uint8Array(block);
  }

  /** Append tokens with one mask value for all, or one per token. */
  push(ids: ArrayLike<number>, mask: number | ArrayLike<number>): void {
    for (let i = 0; i < ids.length; i++) {
      if (this.n === this.block) this.flush();
      this.buf[this.n] = ids[i];
      this.mbuf[this.n++] = typeof mask === "number" ? mask : mask[i];
    }
    this.count += ids.length;
  }

  private flush(): void {
    this.out.write(new Uint8Array(this.buf.buffer, 0, this.n * this.buf.BYTES_PER_ELEMENT));
    this.mask?.write(this.mbuf.subarray(0, this.n));
    this.n = 0;
  }

  /** Finish the shard; keepMask false drops the mask file (e.g. a split without chat documents). */
  close(keepMask = true): void {
    this.flush();
    const { magic, version } = SHARD_HEADERS[this.dtype];
    this.out.writeAt(shardHeader(magic, version, this.count), 0);
    this.out.close();
    if (this.mask && !keepMask) this.mask.abort();
    else if (this.mask) {
      this.mask.writeAt(shardHeader(MASK_MAGIC, 1, this.count), 0);
      this.mask.close();
    }
  }
}

/** Read a token shard: its tokens as a typed array view of the file. */
export function readShard(path: string): Uint16Array | Uint32Array {
  const data = readFileSync(path);
  if (data.length < HEADER_BYTES) throw new TokenizerFormatError(path, "/header", data.length, "a shard starts with a 1024-byte header", "file too short");
  const h = new Int32Array(data.buffer, data.byteOffset, 3);
  const [magic, version, count] = [h[0], h[1], h[2]];
  const dtype = (Object.keys(SHARD_HEADERS) as TokenDtype[]).find((d) => SHARD_HEADERS[d].magic === magic && SHARD_HEADERS[d].version === version);
  if (!dtype) throw new TokenizerFormatError(path, "/header/0", [magic, version], "expected llm.c magic/version 20240520/1 (uint16) or 20240801/7 (uint32)", "bad shard magic");
  const width = dtype === "uint16" ? 2 : 4;
  if (data.length !== HEADER_BYTES + count * width) throw new TokenizerFormatError(path, "/header/2", count, `file holds ${(data.length - HEADER_BYTES) / width} tokens; was it truncated?`, "token count does not match file size");
  const start = data.byteOffset + HEADER_BYTES;
  // a view when the token data is aligned (the usual case), else one aligned copy
  const buf = start % width === 0 ? data.buffer : data.buffer.slice(start - HEADER_BYTES, data.byteOffset + data.length);
  const off = start % width === 0 ? start : HEADER_BYTES;
  return dtype === "uint16" ? new Uint16Array(buf, off, count) : new Uint32Array(buf, off, count);
}

/** Read a mask shard (one byte per token). */
export function readMask(path: string): Uint8Array {
  const data = readFileSync(path);
  const h = new Int32Array(data.buffer, data.byteOffset, 3);
  if (h[0] !== MASK_MAGIC || h[1] !== 1) throw new TokenizerFormatError(path, "/header/0", [h[0], h[1]], `expected mask magic ${MASK_MAGIC} version 1`, "bad mask magic");
  if (data.length !== HEADER_BYTES + h[2]) throw new TokenizerFormatError(path, "/header/2", h[2], "mask holds one byte per token", "mask size mismatch");
  return new Uint8Array(data.buffer.slice(data.byteOffset + HEADER_BYTES, data.byteOffset + data.length));
}
