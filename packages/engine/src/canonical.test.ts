// Canonical JSON: equal values give equal bytes; non-JSON values are rejected with their JSON pointer.
import { expect, test } from "bun:test";
import { canonicalJson } from "./canonical.ts";
import { CanonicalJsonError } from "./errors.ts";

test("keys are sorted at every depth and whitespace is dropped", () => {
  expect(canonicalJson({ b: 1, a: { d: [1, { z: 0, y: 1 }], c: "x" } })).toBe('{"a":{"c":"x","d":[1,{"y":1,"z":0}]},"b":1}');
});

test("equal numbers serialize equally (-0, 1.0, 3e-4)", () => {
  expect(canonicalJson([-0, 1.0, 3e-4, 1e21])).toBe("[0,1,0.0003,1e+21]");
  expect(canonicalJson({ lr: 0.0003 })).toBe(canonicalJson({ lr: 3e-4 }));
});

test.each([
  ["undefined", "/a/b", { a: { b: undefined } }],
  ["function", "/f", { f: () => 1 }],
  ["NaN", "/x/1", { x: [1, Number.NaN] }],
  ["Infinity", "/x", { x: Infinity }],
  ["a Date object", "/a~1b", { "a/b": new Date(0) }],
  ["bigint", "/n", { n: 1n }],
  ["undefined", "", undefined],
])("rejects %s at pointer '%s' naming both", (found, pointer, value) => {
  let err: unknown;
  try {
    canonicalJson(value);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(CanonicalJsonError);
  expect((err as CanonicalJsonError).pointer).toBe(pointer);
  expect((err as CanonicalJsonError).found).toBe(found);
  expect((err as Error).message).toBe(
    `value at ${pointer === "" ? "(root)" : pointer} is ${found}, which is not JSON. Hint: stage params must be plain JSON (null, booleans, finite numbers, strings, arrays, plain objects); drop the field or convert it.`,
  );
});
