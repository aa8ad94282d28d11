// Per-source reading counters: what was read, and every kind of bad input that was counted instead of crashing.

export interface SourceStats {
  source: string;
  path: string;
  files: number;
  docs: number;
  /** UTF-8 bytes of document text emitted. */
  bytes: number;
  /** Files that were empty (or only whitespace); they yield no document. */
  empty_files: number;
  /** Files skipped because they look binary (a NUL byte in the first 8 KiB). */
  binary_files: number;
  /** Lines or records whose bytes were not valid UTF-8 (replaced or skipped, per invalid_utf8). */
  invalid_utf8: number;
  /** Lines or records longer than max_line_bytes, skipped. */
  overlong_lines: number;
  /** JSONL/CSV/Parquet records that were unparseable or lacked the text field. */
  bad_records: number;
  /** Up to 3 messages describing skipped input, with file:line. */
  problems: string[];
}

export function newStats(source: string, path: string): SourceStats {
  return { source, path, files: 0, docs: 0, bytes: 0, empty_files: 0, binary_files: 0, invalid_utf8: 0, overlong_lines: 0, bad_records: 0, problems: [] };
}

export function problem(stats: SourceStats, message: string): void {
  if (stats.problems.length < 3) stats.problems.push(message);
}
