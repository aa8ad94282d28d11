// Whole-record readers for eval task files (decontaminate's tasks:): every record of a JSONL, CSV/TSV or Parquet
// file as a plain value, and the text of a record (all its strings, however deeply nested). readRecords streams for
// the run; hasTextSync answers "does this file hold any text?" synchronously, for the stage's plan.
import { closeSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { gunzipSync, zstdDecompressSync } from "node:zlib";
import { parquetMetadata } from "hyparquet";
import { compressionOf, openBytes, stripCompression } from "./bytes.ts";
import { csvRecords } from "./csv.ts";
import { decodeUtf8, splitLines } from "./lines.ts";
import { newStats, problem, type SourceStats } from "./stats.ts";

export type RecordFormat = "jsonl" | "csv" | "parquet";

/** One record and where it is ("hellaswag_val.jsonl:17", "mmlu.parquet:row 3"). */
export interface FileRecord {
  readonly where: string;
  readonly record: unknown;
}

/** The record format of a file from its extension (.gz/.zst stripped), or null when it is none of them. */
export function recordFormat(path: string): RecordFormat | null {
  const p = stripCompression(path.replace(/[?#].*$/, "")).toLowerCase();
  if (/\.(jsonl|ndjson|json)$/.test(p)) return "jsonl";
  if (/\.(csv|tsv)$/.test(p)) return "csv";
  if (p.endsWith(".parquet") && !compressionOf(path)) return "parquet";
  return null;
}

/** Every string in a value, depth first in key order: nested arrays and objects are flattened. */
export function recordStrings(v: unknown, out: string[] = []): string[] {
  if (typeof v === "string") out.push(v);
  else if (Array.isArray(v)) for (const x of v) recordStrings(x, out);
  else if (v !== null && typeof v === "object" && !ArrayBuffer.isView(v) && !(v instanceof Date)) for (const x of Object.values(v)) recordStrings(x, out);
  return out;
}

const letter = /\p{L}/u;

/** True when some string of the value has a letter (numbers, ids and empty strings are not text). */
export function hasText(v: unknown): boolean {
  return recordStrings(v).some((s) => letter.test(s));
}

/** Records of one local file, in file order; malformed lines and records are counted in stats, not thrown. */
export async function* readRecords(file: string, label: string, stats: SourceStats = newStats(label, file)): AsyncGenerator<FileRecord> {
  const format = recordFormat(file);
  if (format === "jsonl") yield* jsonlRecords(file, label, stats);
  else if (format === "csv") yield* csvFileRecords(file, label, stats);
  else if (format === "parquet") yield* parquetRecords(file, label);
  else throw new Error(`${label}: not a JSONL, CSV or Parquet file`);
}

async function* jsonlRecords(file: string, label: string, stats: SourceStats): AsyncGenerator<FileRecord> {
  for await (const line of splitLines(openBytes(file), Number.MAX_SAFE_INTEGER, stats, label)) {
    const where = `${label}:${line.n}`;
    const s = decodeUtf8(line.bytes, "replace", stats, where);
    const rec = parseLine(s!, where, stats);
    if (rec !== undefined) yield { where, record: rec };
  }
}

function parseLine(s: string, where: string, stats: SourceStats): unknown {
  if (s.trim() === "") return undefined;
  try {
    return JSON.parse(s);
  } catch (e) {
    stats.bad_records++;
    problem(stats, `${where}: not JSON (${(e as Error).message})`);
    return undefined;
  }
}

const delimiterOf = (file: string) => (/\.tsv$/i.test(stripCompression(file)) ? 9 : 44);

async function* csvFileRecords(file: string, label: string, stats: SourceStats): AsyncGenerator<FileRecord> {
  let header: string[] | null = null;
  for await (const rec of csvRecords(openBytes(file), delimiterOf(file), Number.MAX_SAFE_INTEGER, stats, label)) {
    const where = `${label}:${rec.n}`;
    const fields = rec.fields.map((f) => decodeUtf8(f, "replace", stats, where)!);
    if (!header) header = fields.map((h) => h.trim());
    else yield { where, record: Object.fromEntries(header.map((h, i) => [h, fields[i] ?? ""])) };
  }
}

async function* parquetRecords(file: string, label: string): AsyncGenerator<FileRecord> {
  const { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } = await import("hyparquet");
  const { compressors } = await import("hyparquet-compressors");
  const buf = await asyncBufferFromFile(file);
  const metadata = await parquetMetadataAsync(buf);
  let rowStart = 0;
  // One row group at a time, so memory is bounded by the largest row group.
  for (const rg of metadata.row_groups) {
    const rowEnd = rowStart + Number(rg.num_rows);
    const rows = await parquetReadObjects({ file: buf, metadata, rowStart, rowEnd, compressors });
    for (let i = 0; i < rows.length; i++) yield { where: `${label}:row ${rowStart + i}`, record: rows[i] };
    rowStart = rowEnd;
  }
}

/**
 * Whether a local file holds text, read synchronously (the stage's plan cannot await): JSONL and CSV records are
 * parsed until the first with a letter in a string; a Parquet file's footer must list a string column and rows.
 * Throws (with the reason) when the file is not readable as its format.
 */
export function hasTextSync(file: string): boolean {
  const format = recordFormat(file);
  if (format === "parquet") return parquetHasText(file);
  const c = compressionOf(file);
  const raw = readFileSync(file);
  const text = new TextDecoder().decode(c === "gz" ? gunzipSync(raw) : c === "zst" ? zstdDecompressSync(raw) : raw);
  if (format === "jsonl") {
    const stats = newStats(file, file);
    for (const line of text.split("\n")) if (hasText(parseLine(line, file, stats))) return true;
    return false;
  }
  // CSV: any letter after the header line. A quoted header field with a newline would count its tail as a record;
  // the run reads the file properly and refuses it then if it has no text after all.
  const nl = text.indexOf("\n");
  return nl >= 0 && letter.test(text.slice(nl + 1));
}

function parquetHasText(file: string): boolean {
  const fd = openSync(file, "r");
  try {
    // The footer: the metadata, its length (uint32 LE) and the magic "PAR1".
    const size = statSync(file).size;
    const tail = Buffer.alloc(Math.min(size, 8));
    readSync(fd, tail, 0, tail.length, size - tail.length);
    if (size < 12 || tail.toString("latin1", 4) !== "PAR1") throw new Error("not a Parquet file (no PAR1 footer)");
    const len = tail.readUInt32LE(0);
    if (len + 8 > size) throw new Error("not a Parquet file (footer longer than the file)");
    const footer = Buffer.alloc(len + 8);
    readSync(fd, footer, 0, footer.length, size - footer.length);
    const md = parquetMetadata(footer);
    return Number(md.num_rows) > 0 && md.schema.some((e) => !e.num_children && e.type === "BYTE_ARRAY");
  } finally {
    closeSync(fd);
  }
}
