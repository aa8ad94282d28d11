// benchGroupedMatmul: one grouped and one per-expert figure per round, on the CPU backend at a tiny shape.
import { expect, test } from "bun:test";
import { benchGroupedMatmul } from "./bench.ts";
import { devices } from "./fixtures.ts";

test("benchGroupedMatmul reports grouped and one-matmul-per-expert GFLOP/s side by side for each round", async () => {
  const res = await benchGroupedMatmul(devices[0][1]!, { E: 3, R: 4, I: 8, O: 5, rounds: 3, reps: 2 });
  expect(res.flop).toBe(2 * 3 * 4 * 8 * 5);
  expect(res.rounds).toHaveLength(3);
  for (const r of res.rounds) for (const v of [r.grouped, r.separate, r.groupedMs, r.separateMs]) expect(v).toBeGreaterThan(0);
  expect(res.grouped).toBe([...res.rounds.map((r) => r.grouped)].sort((a, b) => a - b)[1]);
});
