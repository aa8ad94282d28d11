// moeDispatch: the reference on a worked example (capacity drops in (n, j) order, ids outside [0,E)), the op on each
// backend equal to the reference (integers: exactly) on odd shapes that cross the 64-assignment blocks, run-to-run
// repeatability, and argument errors.
import { describe, expect, test } from "bun:test";
import { ops } from "../../ops/index.ts";
import { devices, randInts } from "./fixtures.ts";
import { moeDispatchRef } from "./reference.ts";

function dispatchRef(experts: Int32Array, N: number, k: number, E: number, capacity: number) {
  const [rowOf, slotOf, counts] = [new Int32Array(E * capacity), new Int32Array(N * k), new Int32Array(E)];
  moeDispatchRef(rowOf, slotOf, counts, experts, N, k, E, capacity);
  return { rowOf, slotOf, counts };
}

test("the reference fills each expert's slots in (n, j) order and drops assignments past capacity", () => {
  // 4 tokens, k = 2, E = 3, capacity 2. Expert 1 is wanted by (0,0), (1,1), (2,0), (3,0): tokens 2 and 3 lose it.
  const experts = Int32Array.from([1, 0, 0, 1, 1, 2, 1, 7]);
  const { rowOf, slotOf, counts } = dispatchRef(experts, 4, 2, 3, 2);
  expect(Array.from(counts)).toEqual([2, 4, 1]);
  expect(Array.from(rowOf)).toEqual([0, 1, 0, 1, 2, -1]);
  expect(Array.from(slotOf)).toEqual([2, 0, 1, 3, -1, 4, -1, -1]); // id 7 is outside [0,3): dropped, not counted
});

// [N, k, E, capacity]: single assignment, capacity 0, under- and over-full experts, many 64-assignment blocks.
const shapes: [number, number, number, number][] = [[1, 1, 1, 1], [5, 2, 3, 0], [7, 3, 4, 9], [33, 2, 5, 10], [300, 2, 8, 70], [129, 4, 64, 3]];

describe.each(devices)("moeDispatch on %s", (_name, dev) => {
  test.skipIf(!dev).each(shapes.map((s) => [s.join(","), ...s] as const))(
    "N,k,E,capacity = %s: rowOf, slotOf and counts equal the reference",
    async (_s, N, k, E, capacity) => {
      const ex = randInts(N * k, N * 13 + E, -1, E + 1); // includes -1 and E, both outside [0,E)
      const want = dispatchRef(ex, N, k, E, capacity);
      const got = ops.moeDispatch(dev!.tensor(ex, [N, k]), E, capacity);
      expect([got.rowOf.shape, got.slotOf.shape, got.counts.shape]).toEqual([[E * capacity], [N, k], [E]]);
      expect(Array.from(await got.counts.read())).toEqual(Array.from(want.counts));
      expect(Array.from(await got.slotOf.read())).toEqual(Array.from(want.slotOf));
      expect(Array.from(await got.rowOf.read())).toEqual(Array.from(want.rowOf));
    },
  );

  test.skipIf(!dev)("two runs on 4096 tokens give identical slots", async () => {
    const [N, k, E] = [4096, 2, 16];
    const ex = randInts(N * k, 77, 0, E);
    const run = async () => {
      const r = ops.moeDispatch(dev!.tensor(ex, [N, k]), E, 600);
      return [...(await r.slotOf.read()), ...(await r.rowOf.read()), ...(await r.counts.read())];
    };
    const first = await run();
    expect(await run()).toEqual(first);
    const want = dispatchRef(ex, N, k, E, 600);
    expect(first).toEqual([...want.slotOf, ...want.rowOf, ...want.counts]);
  });

  test.skipIf(!dev)("f32 experts, a negative capacity and a zero expert count are refused", () => {
    expect(() => ops.moeDispatch(dev!.zeros([2, 2], "f32", { name: "picks" }), 4, 1)).toThrow("picks [2,2] f32 must be i32");
    const ex = dev!.zeros([2, 2], "i32");
    expect(() => ops.moeDispatch(ex, 4, -1)).toThrow("moeDispatch: capacity = -1 must be an integer >= 0");
    expect(() => ops.moeDispatch(ex, 0, 1)).toThrow("moeDispatch: E = 0 must be an integer >= 1");
  });
});
