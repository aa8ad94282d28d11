// Whole-record readers for task data: JSONL (.jsonl/.json lines), CSV/TSV (header row; integer-looking fields become
// numbers, as pandas infers) and Parquet (hyparquet; INT64 → number), plus https URLs pinned by "#sha256=<hex>",
// cached under <cache>/downloads. Each file gives its rows and its column names.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, extname, join } from "node:path";
import type { Doc } from "./types.ts";
import { TaskError } from "./errors.ts";

export interface DataFile {
  /** The path or URL as written (for messages). */
  readonly label: string;
  readonly rows: Doc[];
  readonly columns: readonly string[];
}

const HINT_FORMAT = "data files are .jsonl, .parquet or .csv/.tsv (the format is taken from the extension)";

/** Rows of one local file. */
export async function readDataFile(path: string, label = path): Promise<DataFile> {
  if (!existsSync(path)) throw new TaskError({ file: label }, "data file not found", "check data_files (paths are relative to the task file, or to the root for --data overrides)");
  const ext = extname(path.replace(/\.gz$/, "")).toLowerCase();
  if (ext === ".jsonl" || ext === ".json") return readJsonl(path, label);
  if (ext === ".csv" || ext === ".tsv") return readCsv(path, label, ext === ".tsv" ? "\t" : ",");
  if (ext === ".parquet") return readParquet(path, label);
  throw new TaskError({ file: label }, `unsupported data file extension ${JSON.stringify(ext)}`, HINT_FORMAT);
}

function readJsonl(path: string, label: string): DataFile {
  const rows: Doc[] = [];
  const lines = readFileSync(path, "utf8").split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "") continue;
    let rec: unknown;
    try {
      rec = JSON.parse(line);
    } catch (e) {
      throw new TaskError({ file: `${label}:${i + 1}`, row: rows.length }, `not JSON (${(e as Error).message})`, "each line of a .jsonl file is one JSON object", { cause: e });
    }
    if (rec === null || typeof rec !== "object" || Array.isArray(rec)) throw new TaskError({ file: `${label}:${i + 1}`, row: rows.length }, `a line is ${Array.isArray(rec) ? "an array" : typeof rec}, not an object`, "each line of a .jsonl file is one JSON object with the dataset's columns");
    rows.push(rec as Doc);
  }
  return { label, rows, columns: rows.length ? Object.keys(rows[0]!) : [] };
}

/** RFC 4180 records (quoted fields may hold delimiters, newlines and doubled quotes). */
export function csvRecords(text: string, delim: string): string[][] {
  const out: string[][] = [];
  let rec: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === delim) {
      rec.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      rec.push(field);
      field = "";
      if (!(rec.length === 1 && rec[0] === "")) out.push(rec);
      rec = [];
    } else field += c;
  }
  if (field !== "" || rec.length) {
    rec.push(field);
    out.push(rec);
  }
  return out;
}

function readCsv(path: string, label: string, delim: string): DataFile {
  const [header, ...recs] = csvRecords(readFileSync(path, "utf8").replace(/^\uFEFF/, ""), delim);
  const columns = (header ?? []).map((h) => h.trim());
  const rows = recs.map((r, i) => {
    if (r.length !== columns.length) throw new TaskError({ file: label, row: i }, `record has ${r.length} fields, the header ${columns.length} (${columns.join(", ")})`, "quote fields that contain the delimiter or newlines");
    return Object.fromEntries(columns.map((c, j) => [c, /^-?\d+$/.test(r[j]!) ? Number(r[j]) : r[j]!]));
  });
  return { label, rows, columns };
}

interface Hyparquet {
  asyncBufferFromFile(p: string): Promise<unknown>;
  parquetMetadataAsync(f: unknown): Promise<{ schema: { name: string; num_children?: number }[] }>;
  parquetSchema(md: unknown): { children: { element: { name: string } }[] };
  parquetReadObjects(o: { file: unknown; compressors?: unknown }): Promise<Record<string, unknown>[]>;
}

async function hyparquet(): Promise<{ h: Hyparquet; compressors: unknown }> {
  const h = (await import("hyparquet")) as unknown as Hyparquet;
  const c = (await import("hyparquet-compressors")) as { compressors: unknown };
  return { h, compressors: c.compressors };
}

async function readParquet(path: string, label: string): Promise<DataFile> {
  const { h, compressors } = await hyparquet();
  let file;
  let md;
  try {
    file = await h.asyncBufferFromFile(path);
    md = await h.parquetMetadataAsync(file);
  } catch (e) {
    throw new TaskError({ file: label }, `not a readable Parquet file (${(e as Error).message})`, HINT_FORMAT, { cause: e });
  }
  const columns = h.parquetSchema(md).children.map((c) => c.element.name);
  const rows = (await h.parquetReadObjects({ file, compressors })).map((r) => normalizeRow(r));
  return { label, rows, columns };
}

/** Parquet INT64 arrives as BigInt: to number (exact below 2^53, which covers labels and ids). */
function normalizeRow(v: unknown): Doc {
  return norm(v) as Doc;
}
function norm(v: unknown): unknown {
  if (typeof v === "bigint") return Number(v);
  if (Array.isArray(v)) return v.map(norm);
  if (v !== null && typeof v === "object" && !(v instanceof Date) && !ArrayBuffer.isView(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, norm(x)]));
  return v;
}

/** A URL "https://…/f.parquet#sha256=<hex>" as a verified local file (downloaded once into cacheDir/downloads). */
export async function urlFile(spec: string, cacheDir: string): Promise<string> {
  const m = /^(https?:\/\/[^#]+)#sha256=([0-9a-f]{64})$/i.exec(spec);
  if (!m) throw new TaskError({ file: spec }, "a data file URL needs its SHA-256 as #sha256=<64 hex digits>", "append #sha256=<hex> (sha256sum of the file) so the download is verified");
  const [, url, sha] = m as unknown as [string, string, string];
  const name = new URL(url).pathname.split("/").pop() || "download";
  const dest = join(cacheDir, "downloads", `${sha.slice(0, 16)}-${name.replace(/[^\w.-]/g, "_")}`);
  if (existsSync(dest)) return dest;
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new TaskError({ file: url }, `download failed (${(e as Error).message})`, "check the URL and the network, or download the file and point data_files at it", { cause: e });
  }
  if (!res.ok) throw new TaskError({ file: url }, `download failed: HTTP ${res.status}`, "check the URL");
  const bytes = new Uint8Array(await res.arrayBuffer());
  const actual = createHash("sha256").update(bytes).digest("hex");
  if (actual !== sha.toLowerCase()) throw new TaskError({ file: url }, `SHA-256 mismatch: expected ${sha}, got ${actual}`, "the file changed upstream or the hash is wrong; fix the #sha256= value");
  mkdirSync(dirname(dest), { recursive: true });
  writeFileSync(`${dest}.part`, bytes);
  renameSync(`${dest}.part`, dest);
  return dest;
}
