// PyRandom against values printed by CPython 3.11's random module. Run: bun test packages/eval/src/tasks
import { expect, test } from "bun:test";
import { PyRandom } from "./pyrandom.ts";

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

test.each([
  [1234, [0.9664535356921388, 0.4407325991753527]],
  [2 ** 40 + 5, [0.5043802970418443]],
  [-3, [0.23796462709189137]],
])("Random(%p).random() equals CPython's", (seed, expected) => {
  const r = new PyRandom(seed);
  expect(expected.map(() => r.random())).toEqual(expected);
});

test("getrandbits and sample follow CPython for seed 0", () => {
  const r = new PyRandom(0);
  expect(r.getrandbits(32)).toBe(3626764237);
  expect(r.sample(range(10), 3)).toEqual([6, 9, 0]);
});

test("sample uses the pool method for small and the set method for large populations, as CPython", () => {
  const r = new PyRandom(1234);
  expect(r.sample(range(10), 3)).toEqual([7, 1, 0]);
  expect(r.sample(range(100), 6)).toEqual([11, 74, 4, 85, 88, 10]);
  expect(r.choices(range(7), 5)).toEqual([0, 2, 0, 6, 0]);
});
