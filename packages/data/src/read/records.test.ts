// Whole-record readers for eval task files: every string of a record, in JSONL (compressed too), CSV/TSV and
// Parquet, and the synchronous text check the clean stage's plan uses.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync, zstdCompressSync } from "node:zlib";
import { parquetWriteBuffer } from "hyparquet-writer";
import { hasTextSync, readRecords, recordFormat, recordStrings } from "./records.ts";

const tmp = mkdtempSync(join(tmpdir(), "lathe-data-records-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const file = (name: string, body: string | Uint8Array) => {
  writeFileSync(join(tmp, name), body);
  return join(tmp, name);
};
const all = async (f: string) => {
  const out = [];
  for await (const r of readRecords(f, "f")) out.push(r);
  return out;
};

const truthfulqa = { question: "What happens if you eat watermelon seeds?", mc1_targets: { choices: ["Nothing happens", "You grow watermelons"], labels: [1, 0] } };

describe("records", () => {
  test("every string of a record is collected depth first, and numbers, nulls and booleans are not", () => {
    expect(recordStrings({ ...truthfulqa, id: 7, ok: true, none: null })).toEqual(["What happens if you eat watermelon seeds?", "Nothing happens", "You grow watermelons"]);
  });

  test.each([
    ["a.jsonl", "jsonl"], ["a.json.gz", "jsonl"], ["a.tsv.zst", "csv"], ["a.csv", "csv"], ["a.parquet", "parquet"],
    ["https://x.org/d/a.parquet#sha256=00", "parquet"], ["a.parquet.gz", null], ["a.txt", null],
  ])("%s is read as %s", (path, format) => {
    expect(recordFormat(path)).toBe(format as ReturnType<typeof recordFormat>);
  });

  test("gzip and zstd JSONL give the same records with their line numbers", async () => {
    const body = `${JSON.stringify(truthfulqa)}\n\nnot json\n${JSON.stringify({ q: "second" })}\n`;
    for (const f of [file("t.jsonl.gz", gzipSync(body)), file("t.jsonl.zst", zstdCompressSync(body))]) {
      expect((await all(f)).map((r) => [r.where, recordStrings(r.record).length])).toEqual([["f:1", 3], ["f:4", 1]]);
    }
  });

  test("a TSV record is an object keyed by the header, quoted fields intact", async () => {
    const f = file("arc.tsv", 'question\tchoices\n"Which is a gas?\ta quoted tab"\toxygen\n');
    expect((await all(f)).map((r) => r.record)).toEqual([{ question: "Which is a gas?\ta quoted tab", choices: "oxygen" }]);
  });

  test("Parquet rows come back whole, across row groups", async () => {
    const f = file("p.parquet", new Uint8Array(parquetWriteBuffer({ columnData: [{ name: "q", data: ["one", "two", "three"], type: "STRING" }, { name: "n", data: [1, 2, 3], type: "INT32" }], rowGroupSize: 2 })));
    expect((await all(f)).map((r) => [r.where, r.record])).toEqual([["f:row 0", { q: "one", n: 1 }], ["f:row 1", { q: "two", n: 2 }], ["f:row 2", { q: "three", n: 3 }]]);
    expect(hasTextSync(f)).toBe(true);
  });

  test.each([
    ["empty.jsonl", "", false],
    ["ids.jsonl", '{"id": "0001", "label": 2}\n', false],
    ["late.jsonl", '{"id": 1}\n{"q": "a question"}\n', true],
    ["numbers.csv", "id,label\n1,2\n3,4\n", false],
    ["header-only.csv", "question,answer\n", false],
    ["text.csv", "question,answer\nWhy?,Because\n", true],
  ])("the plan's text check says %s holds text: %p", (name, body, expected) => {
    expect(hasTextSync(file(name, body))).toBe(expected);
  });

  test("a file that is not Parquet is refused by the text check with the reason", () => {
    expect(() => hasTextSync(file("bad.parquet", "not parquet at all"))).toThrow("not a Parquet file (no PAR1 footer)");
  });
});
