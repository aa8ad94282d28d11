// Open a file as a stream of byte chunks, decompressing .gz and .zst on the fly (node:zlib, streaming, imported
// only when a compressed file is read).
import { createReadStream } from "node:fs";

/** The compression a path's extension names. */
export function compressionOf(path: string): "gz" | "zst" | null {
  if (/\.gz$/i.test(path)) return "gz";
  if (/\.zst$/i.test(path)) return "zst";
  return null;
}

/** Path without a trailing .gz/.zst, for format detection. */
export function stripCompression(path: string): string {
  return path.replace(/\.(gz|zst)$/i, "");
}

/** Decompressed bytes of a file, in chunks of at most ~64 KiB; memory stays bounded for any file size. */
export async function* openBytes(path: string): AsyncGenerator<Uint8Array> {
  const raw = createReadStream(path, { highWaterMark: 1 << 16 });
  const c = compressionOf(path);
  const zlib = c ? await import("node:zlib") : null;
  const stream = c === "gz" ? raw.pipe(zlib!.createGunzip()) : c === "zst" ? raw.pipe(zlib!.createZstdDecompress()) : raw;
  raw.on("error", (e) => stream.destroy(e));
  for await (const chunk of stream) yield chunk as Uint8Array;
}

/** True when the first bytes contain a NUL, the usual sign of a binary file. */
export function looksBinary(head: Uint8Array): boolean {
  return head.subarray(0, 8192).includes(0);
}
