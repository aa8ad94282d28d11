// moeRoute: the reference against a sort-based top-k in f64, the op on each backend against the reference on odd
// shapes (E = 1, k = E, rows past one 64-lane workgroup) in both gate modes, tie-breaking, the backward against the
// reference backward and central finite differences, and argument errors.
import { describe, expect, test } from "bun:test";
import { backward, noGrad } from "../../autograd.ts";
import { ops } from "../../ops/index.ts";
import type { Device } from "../../tensor.ts";
import { devices, dot, ladderLogits, maxRelErr, rand } from "./fixtures.ts";
import { type MoeGateMode, moeGatesBackwardRef, moeProbsBackwardRef, moeRouteForwardRef } from "./reference.ts";

/** Gates and probs: max |got - want| / (1 + |want|); a few tens of f32 ulps of exp, a sum and a division. */
const TOL = 1e-5;
/** Finite differences, h = 1e-2 on logits at least 0.3 apart (no pick changes): truncation ~h², rounding ~1e-5. */
const FD_TOL = 2e-3;

// [N, E, k]: one token and one expert, every expert picked, odd sizes, rows past one 64-lane workgroup.
const shapes: [number, number, number][] = [[1, 1, 1], [7, 5, 2], [33, 8, 8], [65, 3, 1], [130, 64, 6]];
const modes: MoeGateMode[] = ["softmax", "sigmoid"];
const table = shapes.flatMap(([N, E, k]) => modes.map((mode) => [`${N}x${E} k${k} ${mode}`, N, E, k, mode] as const));

function routeRef(logits: Float32Array, N: number, E: number, k: number, mode: MoeGateMode) {
  const [gates, experts, probs] = [new Float32Array(N * k), new Int32Array(N * k), new Float32Array(N * E)];
  moeRouteForwardRef(gates, experts, probs, logits, N, E, k, mode);
  return { gates, experts, probs };
}

test("the reference picks the k largest logits in descending order, ties to the lower id", () => {
  const logits = Float32Array.from([0.5, 2, -1, 2, 0.5, 7]);
  const { experts, gates } = routeRef(logits, 1, 6, 5, "softmax");
  expect(Array.from(experts)).toEqual([5, 1, 3, 0, 4]);
  expect(gates[1]).toBe(gates[2]);
});

test.each(modes)("the %s reference's gates are the picked probabilities renormalized to sum 1", (mode) => {
  const [N, E, k] = [9, 7, 3];
  const logits = rand(N * E, 5, 4);
  const { gates, experts, probs } = routeRef(logits, N, E, k, mode);
  for (let n = 0; n < N; n++) {
    const row = Array.from(logits.subarray(n * E, n * E + E));
    const order = row.map((v, e) => [v, e]).sort((a, b) => b[0] - a[0] || a[1] - b[1]).map(([, e]) => e);
    expect(Array.from(experts.subarray(n * k, n * k + k))).toEqual(order.slice(0, k));
    const want = order.slice(0, k).map((e) => (mode === "softmax" ? Math.exp(row[e]) : 1 / (1 + Math.exp(-row[e]))));
    const sum = want.reduce((a, b) => a + b, 0);
    want.forEach((w, j) => expect(Math.abs(gates[n * k + j] - w / sum)).toBeLessThan(1e-6));
    const p = order.map((e) => probs[n * E + e]);
    if (mode === "softmax") expect(Math.abs(p.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-6);
    for (let j = 1; j < E; j++) expect(p[j]).toBeLessThanOrEqual(p[j - 1]);
  }
});

async function routeGrads(dev: Device, lv: Float32Array, N: number, E: number, k: number, mode: MoeGateMode, rg: Float32Array, rp: Float32Array) {
  const logits = dev.tensor(lv, [N, E], { requiresGrad: true });
  const { gates, probs } = ops.moeRoute(logits, k, mode);
  backward(ops.add(ops.sum(ops.mul(gates, dev.tensor(rg, [N, k]))), ops.sum(ops.mul(probs, dev.tensor(rp, [N, E])))));
  return (await logits.grad!.read()) as Float32Array;
}

describe.each(devices)("moeRoute on %s", (_name, dev) => {
  test.skipIf(!dev).each(table)("%s: gates, experts and probs match the reference", async (_s, N, E, k, mode) => {
    const lv = rand(N * E, N * 31 + E, 6);
    const want = routeRef(lv, N, E, k, mode);
    const got = noGrad(() => ops.moeRoute(dev!.tensor(lv, [N, E]), k, mode));
    expect([got.gates.shape, got.experts.shape, got.probs.shape, got.experts.dtype]).toEqual([[N, k], [N, k], [N, E], "i32"]);
    expect(Array.from(await got.experts.read())).toEqual(Array.from(want.experts));
    expect(maxRelErr(await got.gates.read(), want.gates)).toBeLessThan(TOL);
    expect(maxRelErr(await got.probs.read(), want.probs)).toBeLessThan(TOL);
  });

  test.skipIf(!dev).each(modes)("tied logits (%s) pick the lower expert id first", async (mode) => {
    const [N, E, k] = [70, 6, 4];
    const lv = Float32Array.from({ length: N * E }, (_, i) => ((i * 7) % 5) - 2); // many equal values per row
    const want = routeRef(lv, N, E, k, mode);
    const got = noGrad(() => ops.moeRoute(dev!.tensor(lv, [N, E]), k, mode));
    expect(Array.from(await got.experts.read())).toEqual(Array.from(want.experts));
  });

  test.skipIf(!dev).each(table)("%s: the logits' gradient through gates and probs matches the reference", async (_s, N, E, k, mode) => {
    const lv = rand(N * E, N * 17 + E, 6);
    const [rg, rp] = [rand(N * k, 3), rand(N * E, 4)];
    const { gates, experts, probs } = routeRef(lv, N, E, k, mode);
    const [fromGates, fromProbs] = [new Float32Array(N * E), new Float32Array(N * E)];
    moeGatesBackwardRef(fromGates, rg, gates, experts, lv, N, E, k, mode);
    moeProbsBackwardRef(fromProbs, rp, probs, lv, N, E, mode);
    const got = await routeGrads(dev!, lv, N, E, k, mode, rg, rp);
    expect(maxRelErr(got, fromGates.map((v, i) => v + fromProbs[i]))).toBeLessThan(TOL);
  });

  test.skipIf(!dev).each(modes)("the %s gradient equals central finite differences", async (mode) => {
    const [N, E, k] = [5, 7, 3];
    const lv = ladderLogits(N, E, 11);
    const [rg, rp] = [rand(N * k, 6), rand(N * E, 7)];
    const grad = await routeGrads(dev!, lv, N, E, k, mode, rg, rp);
    const loss = async (data: Float32Array): Promise<number> => {
      const r = noGrad(() => ops.moeRoute(dev!.tensor(data, [N, E]), k, mode));
      return dot(await r.gates.read(), rg) + dot(await r.probs.read(), rp);
    };
    const h = 1e-2;
    let worst = 0;
    for (let i = 0; i < N * E; i += 2) {
      const d = lv.slice();
      d[i] = lv[i] + h;
      const lp = await loss(d);
      d[i] = lv[i] - h;
      worst = Math.max(worst, Math.abs(grad[i] - (lp - (await loss(d))) / (2 * h)));
    }
    expect(worst).toBeLessThan(FD_TOL);
  });

  test.skipIf(!dev)("k outside 1..E and an unknown mode are refused with the values named", () => {
    const logits = dev!.zeros([3, 4], "f32", { name: "router" });
    expect(() => ops.moeRoute(logits, 5, "softmax")).toThrow("moeRoute: k = 5 experts per token out of E = 4 (router [3,4] f32). Hint: pick k in 1..4");
    expect(() => ops.moeRoute(logits, 0, "sigmoid")).toThrow("k = 0 experts per token");
    expect(() => ops.moeRoute(logits, 2, "relu" as MoeGateMode)).toThrow(`mode "relu" is not a gate mode. Hint: pass "softmax" or "sigmoid"`);
    expect(() => ops.moeRoute(dev!.zeros([3, 4], "i32", { name: "ids" }), 2, "softmax")).toThrow("ids [3,4] i32 must be f32");
  });
});
