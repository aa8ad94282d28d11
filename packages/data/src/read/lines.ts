// Split a byte stream into lines (LF, with a trailing CR dropped), skipping over-long lines without buffering them.
import { looksBinary } from "./bytes.ts";
import { problem, type SourceStats } from "./stats.ts";

export interface Line {
  /** 1-based line number in the (decompressed) file. */
  readonly n: number;
  readonly bytes: Uint8Array;
}

/**
 * Lines of a byte stream. A line longer than maxBytes is dropped (counted in stats.overlong_lines) and the
 * splitter discards input until the next newline, so memory stays O(maxBytes). A file whose first chunk holds a
 * NUL byte is counted as binary and yields nothing.
 */
export async function* splitLines(chunks: AsyncIterable<Uint8Array>, maxBytes: number, stats: SourceStats, file: string): AsyncGenerator<Line> {
  let parts: Uint8Array[] = [];
  let partBytes = 0;
  let skipping = false;
  let n = 0;
  let first = true;
  for await (const chunk of chunks) {
    if (first) {
      first = false;
      if (looksBinary(chunk)) {
        stats.binary_files++;
        problem(stats, `${file}: binary (NUL byte in the first 8 KiB), skipped`);
        return;
      }
    }
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(10, start);
      const end = nl < 0 ? chunk.length : nl;
      if (!skipping) {
        const piece = chunk.subarray(start, end);
        if (partBytes + piece.length > maxBytes) {
          skipping = true;
          parts = [];
          partBytes = 0;
        } else if (piece.length > 0) {
          parts.push(piece);
          partBytes += piece.length;
        }
      }
      if (nl < 0) break;
      n++;
      if (skipping) {
        stats.overlong_lines++;
        problem(stats, `${file}:${n}: line longer than max_line_bytes ${maxBytes}, skipped`);
        skipping = false;
      } else {
        yield { n, bytes: trimCr(join(parts, partBytes)) };
      }
      parts = [];
      partBytes = 0;
      start = nl + 1;
    }
    // Copy the unfinished tail: the chunk's buffer may be reused by the stream.
    if (parts.length > 0) {
      const tail = join(parts, partBytes);
      parts = [tail.slice()];
    }
  }
  if (skipping) {
    stats.overlong_lines++;
    problem(stats, `${file}:${n + 1}: line longer than max_line_bytes ${maxBytes}, skipped`);
  } else if (partBytes > 0) {
    yield { n: n + 1, bytes: trimCr(join(parts, partBytes)) };
  }
}

function join(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function trimCr(b: Uint8Array): Uint8Array {
  return b.length > 0 && b[b.length - 1] === 13 ? b.subarray(0, b.length - 1) : b;
}

const strict = new TextDecoder("utf-8", { fatal: true });
const lossy = new TextDecoder("utf-8");

/** Decode UTF-8; invalid bytes are counted, then replaced with U+FFFD or the text is skipped (null). */
export function decodeUtf8(bytes: Uint8Array, policy: "replace" | "skip", stats: SourceStats, where: string): string | null {
  try {
    return strict.decode(bytes);
  } catch {
    stats.invalid_utf8++;
    problem(stats, `${where}: invalid UTF-8, ${policy === "skip" ? "skipped" : "bad bytes replaced with U+FFFD"}`);
    return policy === "skip" ? null : lossy.decode(bytes);
  }
}
