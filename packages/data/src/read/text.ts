// Plain text and Markdown files → documents: one per file, per paragraph (blank-line separated) or per line.
import type { Doc } from "../doc.ts";
import { openBytes } from "./bytes.ts";
import { decodeUtf8, splitLines } from "./lines.ts";
import type { SourceStats } from "./stats.ts";

export interface ReadOptions {
  readonly file: string;
  /** Short file label used in doc ids and messages. */
  readonly label: string;
  readonly source: string;
  readonly unit: "file" | "paragraph" | "line";
  readonly maxLineBytes: number;
  readonly invalidUtf8: "replace" | "skip";
}

export async function* readText(o: ReadOptions, stats: SourceStats): AsyncGenerator<Doc> {
  let buf: string[] = [];
  let bad = false;
  let startLine = 1;
  let any = false;
  const binaryBefore = stats.binary_files;
  const flush = function* (endId: string): Generator<Doc> {
    const text = buf.join("\n").trim();
    buf = [];
    const wasBad = bad;
    bad = false;
    if (text.length === 0 || (wasBad && o.invalidUtf8 === "skip")) return;
    any = true;
    yield { id: `${endId}`, source: o.source, text };
  };
  for await (const line of splitLines(openBytes(o.file), o.maxLineBytes, stats, o.label)) {
    const before = stats.invalid_utf8;
    const s = decodeUtf8(line.bytes, "replace", stats, `${o.label}:${line.n}`);
    if (stats.invalid_utf8 !== before) bad = true;
    if (o.unit === "line") {
      buf.push(s!);
      yield* flush(`${o.label}:${line.n}`);
    } else if (o.unit === "paragraph" && s!.trim() === "") {
      yield* flush(`${o.label}:${startLine}`);
      startLine = line.n + 1;
    } else {
      buf.push(s!);
    }
  }
  yield* flush(o.unit === "file" ? o.label : `${o.label}:${startLine}`);
  if (!any && stats.binary_files === binaryBefore) stats.empty_files++;
}
