// CSV/TSV → documents from one column, chosen by header name. RFC 4180 quoting (quoted delimiters, newlines and
// doubled quotes). Parsed at the byte level (delimiter, quote and newline are ASCII, so UTF-8 sequences are never
// split), then each field decoded, so invalid UTF-8 is counted per record.
import type { Doc } from "../doc.ts";
import { looksBinary, openBytes } from "./bytes.ts";
import { decodeUtf8 } from "./lines.ts";
import { problem, type SourceStats } from "./stats.ts";
import type { ReadOptions } from "./text.ts";

/** Records of a CSV byte stream as arrays of raw fields; records over maxBytes are counted and skipped. */
export async function* csvRecords(chunks: AsyncIterable<Uint8Array>, delim: number, maxBytes: number, stats: SourceStats, label: string): AsyncGenerator<{ n: number; fields: Uint8Array[] }> {
  let field: number[] = [];
  let fields: Uint8Array[] = [];
  let inQuotes = false;
  let afterQuote = false;
  let recBytes = 0;
  let n = 1;
  let first = true;
  const endField = () => {
    fields.push(Uint8Array.from(field));
    field = [];
  };
  for await (const chunk of chunks) {
    if (first) {
      first = false;
      if (looksBinary(chunk)) {
        stats.binary_files++;
        problem(stats, `${label}: binary (NUL byte in the first 8 KiB), skipped`);
        return;
      }
    }
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      recBytes++;
      if (inQuotes) {
        if (c === 34) {
          inQuotes = false;
          afterQuote = true;
        } else field.push(c);
        continue;
      }
      if (c === 34) {
        if (afterQuote) field.push(34); // "" inside quotes
        inQuotes = true;
        afterQuote = false;
        continue;
      }
      afterQuote = false;
      if (c === delim) endField();
      else if (c === 10) {
        endField();
        const last = fields[fields.length - 1]!;
        if (last.length > 0 && last[last.length - 1] === 13) fields[fields.length - 1] = last.subarray(0, last.length - 1);
        if (recBytes > maxBytes) {
          stats.overlong_lines++;
          problem(stats, `${label}:${n}: record longer than max_line_bytes ${maxBytes}, skipped`);
        } else if (!(fields.length === 1 && fields[0]!.length === 0)) yield { n, fields };
        fields = [];
        recBytes = 0;
        n++;
      } else if (recBytes <= maxBytes) field.push(c);
    }
  }
  if (field.length > 0 || fields.length > 0) {
    endField();
    if (recBytes > maxBytes) stats.overlong_lines++;
    else yield { n, fields };
  }
}

export async function* readCsv(o: ReadOptions & { readonly textField: string; readonly delimiter: string }, stats: SourceStats): AsyncGenerator<Doc> {
  const delim = (o.delimiter || (/\.tsv(\.gz|\.zst)?$/i.test(o.file) ? "\t" : ",")).charCodeAt(0);
  let col = -1;
  let any = false;
  const binaryBefore = stats.binary_files;
  for await (const rec of csvRecords(openBytes(o.file), delim, o.maxLineBytes, stats, o.label)) {
    const where = `${o.label}:${rec.n}`;
    if (col < 0) {
      const header = rec.fields.map((f) => new TextDecoder().decode(f).trim());
      col = header.indexOf(o.textField);
      if (col < 0) {
        stats.bad_records++;
        problem(stats, `${where}: header has no column ${JSON.stringify(o.textField)} (columns: ${header.join(", ")}); file skipped`);
        return;
      }
      continue;
    }
    any = true;
    const raw = rec.fields[col];
    if (raw === undefined) {
      stats.bad_records++;
      problem(stats, `${where}: record has ${rec.fields.length} fields, no column ${col + 1}`);
      continue;
    }
    const s = decodeUtf8(raw, o.invalidUtf8, stats, where);
    if (s === null || s.trim() === "") continue;
    yield { id: `${where}`, source: o.source, text: s };
  }
  if (!any && stats.binary_files === binaryBefore) stats.empty_files++;
}
