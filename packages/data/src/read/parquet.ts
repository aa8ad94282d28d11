// Parquet → documents from one column (hyparquet, pure JS; snappy built in, gzip/zstd/brotli/lz4 via
// hyparquet-compressors, both imported on first use). Reads one row group at a time, so memory is bounded by the
// largest row group.
import type { Doc } from "../doc.ts";
import { problem, type SourceStats } from "./stats.ts";
import type { ReadOptions } from "./text.ts";

export async function* readParquet(o: ReadOptions & { readonly textField: string }, stats: SourceStats): AsyncGenerator<Doc> {
  const { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } = await import("hyparquet");
  const { compressors } = await import("hyparquet-compressors");
  let file;
  let metadata;
  try {
    file = await asyncBufferFromFile(o.file);
    metadata = await parquetMetadataAsync(file);
  } catch (e) {
    stats.bad_records++;
    problem(stats, `${o.label}: not a readable Parquet file (${(e as Error).message}), skipped`);
    return;
  }
  const columns = metadata.schema.map((s) => s.name);
  const top = o.textField.split(".")[0]!;
  if (!columns.includes(top)) {
    stats.bad_records++;
    problem(stats, `${o.label}: no column ${JSON.stringify(o.textField)} (columns: ${columns.slice(1).join(", ")}), skipped`);
    return;
  }
  let rowStart = 0;
  let any = false;
  for (const rg of metadata.row_groups) {
    const rowEnd = rowStart + Number(rg.num_rows);
    const rows = await parquetReadObjects({ file, metadata, columns: [top], rowStart, rowEnd, compressors });
    for (let i = 0; i < rows.length; i++) {
      const v = rows[i]![top];
      const where = `${o.label}:row ${rowStart + i}`;
      if (typeof v !== "string") {
        if (v !== null && v !== undefined) {
          stats.bad_records++;
          problem(stats, `${where}: column ${top} is ${typeof v}, not a string`);
        }
        continue;
      }
      any = true;
      if (v.trim() === "") continue;
      if (v.includes("\uFFFD")) stats.invalid_utf8++;
      yield { id: `${where}`, source: o.source, text: v };
    }
    rowStart = rowEnd;
  }
  if (!any) stats.empty_files++;
}
