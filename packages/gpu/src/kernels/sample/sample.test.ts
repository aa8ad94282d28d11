// sampleRows on each backend against the reference (reference.ts): the same tokens for the same uniforms on odd V
// (1, 7, 300, 2048, 50257) and batches of up to 17 rows mixing temperatures 0/0.7/1.3, k 0/1/V/V/3/V+5 and
// p 1/0.9/1e-6, logits with ties and -inf; the draws over many uniforms against the filtered softmax; and the
// reference itself against sorting the whole vocabulary. Dimension letters: B rows, V vocab.
import { describe, expect, test } from "bun:test";
import { getDevice } from "../../get-device.ts";
import { ops } from "../../ops/index.ts";
import { mulberry32, normal } from "../../rng.ts";
import type { Device } from "../../tensor.ts";
import { testDevice } from "../../testing.ts";
import { keptSet, logSoftmaxAt, sampleLogitsRef, sampleRow } from "./reference.ts";

const devices: [string, Device | null][] = [["cpu", await getDevice({ backend: "cpu" })], ["webgpu", await testDevice()]];

/** logprob: |got - want| / (1 + |want|); f32 log-sum-exp over up to 50257 logits against f64 (seen: <= 2.1e-7). */
const LOGPROB_TOL = 2e-6;
/**
 * Boundary margin. The kernel sums masses in f32 in another order than the f64 reference, so a p or u this close to
 * a top-p or CDF boundary may go either way: the tests nudge p (relative) and redraw u (absolute) until moving them
 * by DELTA does not change the reference's answer. Unguarded, about 1 draw in 250 differs at V = 50257, the kernel's
 * cumulative mass off by at most 6e-8 of the total there.
 */
const DELTA = 1e-6;
const TIMEOUT = 120_000;

interface Row {
  readonly x: Float32Array; // (V)
  readonly T: number;
  readonly k: number;
  readonly p: number;
  readonly u: number;
}

/** V logits: scale * standard normals, rounded to multiples of `step` when given (ties), `inf` of them -inf. */
function logits(V: number, seed: number, scale: number, step = 0, inf = 0): Float32Array {
  const x = new Float32Array(V);
  for (let v = 0; v < V; v++) x[v] = step ? Math.round((scale * normal(seed, v)) / step) * step : scale * normal(seed, v);
  for (let j = 0; j < inf && V > 1; j++) x[(j * 37 + 5) % V] = -Infinity;
  return x;
}

const sameKept = (a: { thr: number; nTie: number }, b: { thr: number; nTie: number }): boolean => a.thr === b.thr && a.nTie === b.nTie;

/** A row whose p and u are at least DELTA from any boundary of the reference (p nudged, u redrawn). */
function awayFromBoundaries(x: Float32Array, T: number, k: number, p0: number, rng: () => number): Row {
  const T32 = Math.fround(T);
  let p = Math.fround(p0);
  if (T32 > 0 && p < 1) {
    for (let i = 0; i < 200; i++) {
      const at = keptSet(x, T32, k, p);
      if (sameKept(at, keptSet(x, T32, k, p * (1 - DELTA))) && sameKept(at, keptSet(x, T32, k, Math.min(p * (1 + DELTA), 1 - 1e-7)))) break;
      p = Math.fround(p * (1 - 1e-3));
    }
  }
  let u = Math.fround(rng());
  if (T32 > 0) {
    for (let i = 0; i < 1000; i++) {
      const t = sampleRow(x, T32, k, p, u);
      if (t === sampleRow(x, T32, k, p, Math.max(0, u - DELTA)) && t === sampleRow(x, T32, k, p, Math.min(u + DELTA, 1 - 2 ** -24))) break;
      u = Math.fround(rng());
    }
  }
  return { x, T: T32, k, p, u };
}

/** The kernel's tokens and logprobs for rows of length V, B at a time. */
async function run(dev: Device, rows: readonly Row[], V: number, B = 17): Promise<{ tokens: number[]; logprob: number[] }> {
  const tokens: number[] = [];
  const logprob: number[] = [];
  for (let b0 = 0; b0 < rows.length; b0 += B) {
    const rs = rows.slice(b0, b0 + B);
    const n = rs.length;
    const x = new Float32Array(n * V); // (B,V)
    rs.forEach((r, b) => x.set(r.x, b * V));
    const [out, made] = dev.tidy(() => {
      const params = {
        temperature: dev.tensor(Float32Array.from(rs, (r) => r.T), [n]),
        topK: dev.tensor(Int32Array.from(rs, (r) => r.k), [n]),
        topP: dev.tensor(Float32Array.from(rs, (r) => r.p), [n]),
        uniform: dev.tensor(Float32Array.from(rs, (r) => r.u), [n]),
      };
      const o = ops.sampleRows(dev.tensor(x, [n, V]), params);
      return [dev.keep(o.tokens), dev.keep(o.logprob)] as const;
    });
    tokens.push(...(await out.read()));
    logprob.push(...(await made.read()));
    out.dispose();
    made.dispose();
  }
  return { tokens, logprob };
}

/** Every (T, k, p) of the grid for rows of length V, with logits from `make`. */
function gridRows(V: number, make: (seed: number) => Float32Array): Row[] {
  const rng = mulberry32(V * 7 + 1);
  const ks = [...new Set([0, 1, V, Math.ceil(V / 3), V + 5])];
  const rows: Row[] = [];
  let seed = V;
  for (const T of [0, 0.7, 1.3]) for (const k of ks) for (const p of [1, 0.9, 1e-6]) rows.push(awayFromBoundaries(make(seed++), T, k, p, rng));
  return rows;
}

function expectLikeReference(rows: readonly Row[], got: { tokens: number[]; logprob: number[] }): void {
  const want = rows.map((r) => sampleRow(r.x, r.T, r.k, r.p, r.u));
  expect(got.tokens).toEqual(want);
  let worst = 0;
  rows.forEach((r, b) => (worst = Math.max(worst, Math.abs(got.logprob[b] - logSoftmaxAt(r.x, want[b])) / (1 + Math.abs(logSoftmaxAt(r.x, want[b]))))));
  expect(worst).toBeLessThan(LOGPROB_TOL);
}

/** The indices the reference keeps, ascending. */
function keptIndices(x: Float32Array, T: number, k: number, p: number): number[] {
  const { thr, nTie } = keptSet(x, T, k, p);
  let ties = 0;
  return Array.from(x.keys()).filter((i) => x[i] > thr || (x[i] === thr && ties++ < nTie));
}

/** The filtered softmax of the reference (f64): probability of each token under T, top-k and top-p. */
function filtered(x: Float32Array, T: number, k: number, p: number): Float64Array {
  const { thr, nTie } = keptSet(x, T, k, p);
  let m = -Infinity;
  for (const v of x) m = Math.max(m, v);
  const q = new Float64Array(x.length);
  let ties = 0;
  let z = 0;
  x.forEach((v, i) => {
    if (v > thr || (v === thr && ties++ < nTie)) z += q[i] = Math.exp((v - m) / T);
  });
  return q.map((e) => e / z);
}

describe("the reference", () => {
  test.each([7, 300])("keeps the tokens sorting the whole vocabulary keeps (V %d, ties included)", (V) => {
    for (let seed = 0; seed < 40; seed++) {
      const x = logits(V, seed, 2, seed % 2 ? 0.25 : 0);
      for (const [T, k, p] of [[0.7, 0, 0.9], [1.3, 3, 1], [1, Math.ceil(V / 2), 0.5], [0.5, 2, 0.3]] as const) {
        // the sorted definition: largest first (ties: lower index first), the first k, then the shortest prefix reaching p
        const order = Array.from({ length: V }, (_, i) => i).sort((a, b) => x[b] - x[a] || a - b).slice(0, k > 0 ? Math.min(k, V) : V);
        const e = order.map((i) => Math.exp((x[i] - x[order[0]]) / T));
        const total = e.reduce((a, b) => a + b, 0);
        let keep = order.length;
        for (let i = 0, cum = 0; p < 1 && i < order.length; i++) {
          cum += e[i];
          if (cum >= p * total) {
            keep = i + 1;
            break;
          }
        }
        expect(keptIndices(x, T, k, p)).toEqual(order.slice(0, keep).sort((a, b) => a - b));
      }
    }
  });

  test("greedy picks the lowest index among tied maxima and sampleLogits draws a uniform only when T > 0", () => {
    let draws = 0;
    const rng = (): number => (draws++, 0.5);
    const x = Float32Array.of(1, 3, -2, 3, 0);
    expect(sampleLogitsRef(x, { temperature: 0, topK: 0, topP: 1 }, rng)).toBe(1);
    expect(draws).toBe(0);
    expect(sampleLogitsRef(x, { temperature: 1, topK: 1, topP: 1 }, rng)).toBe(1); // top-k ties: lowest index
    expect(sampleLogitsRef(x, { temperature: 1, topK: 0, topP: 1e-6 }, rng)).toBe(1);
    expect(draws).toBe(2);
  });

  test("draws in index order: u below the first kept token's share picks it, u near 1 the last kept token", () => {
    const x = Float32Array.of(0, Math.log(2), -Infinity, Math.log(3)); // masses 1, 2, 0, 3 of 6
    expect([0, 0.16, 0.17, 0.49, 0.51, 0.99].map((u) => sampleRow(x, 1, 0, 1, u))).toEqual([0, 0, 1, 1, 3, 3]);
    expect(sampleRow(x, 1, 2, 1, 0.1)).toBe(1); // top-2 keeps 1 and 3: masses 2, 3 of 5
    expect(sampleRow(x, 1, 0, 0.4, 0.9)).toBe(3); // 3/6 = 0.5 >= 0.4: only token 3
  });
});

describe.each(devices)("sampleRows on %s", (_name, dev) => {
  test.skipIf(!dev).each([1, 7, 300, 2048, 50257])("draws the reference's token for the same uniform with V %d", async (V) => {
    const rows = gridRows(V, (seed) => logits(V, seed, V > 2048 ? 3 : 2));
    expectLikeReference(rows, await run(dev!, rows, V));
  }, TIMEOUT);

  test.skipIf(!dev)("keeps the lowest-index ties at the k-th logit and the top-p threshold, and skips -inf logits", async () => {
    const V = 300;
    const rows = gridRows(V, (seed) => logits(V, seed, 1, 0.25, 9));
    expect(new Set(rows[0].x).size).toBeLessThan(40); // many ties
    expectLikeReference(rows, await run(dev!, rows, V));
  }, TIMEOUT);

  test.skipIf(!dev)("gives a row the same token and logprob alone as in a batch of 17", async () => {
    const V = 301;
    const rows = gridRows(V, (seed) => logits(V, seed, 2)).slice(0, 17);
    const batched = await run(dev!, rows, V, 17);
    const alone = await run(dev!, rows, V, 1);
    expect(alone).toEqual(batched);
  }, TIMEOUT);

  // n evenly spaced uniforms land in a token's CDF interval of width q within n*q ± 1 times (± 1 more at a rounded
  // boundary); n random ones within 5 standard deviations.
  test.skipIf(!dev).each([
    [0.7, 0, 0.9],
    [1.3, 40, 1],
    [1, 100, 0.8],
    [1, 0, 1],
  ])("over many uniforms its draws follow the filtered softmax (T %p, k %p, p %p)", async (T, k, p) => {
    const V = 300;
    const n = 4096;
    const x = logits(V, 99, 2);
    const q = filtered(x, Math.fround(T), k, Math.fround(p));
    const rng = mulberry32(5);
    for (const [kind, us] of [["grid", Array.from({ length: n }, (_, i) => (i + 0.5) / n)], ["random", Array.from({ length: n }, rng)]] as const) {
      const got = await run(dev!, us.map((u) => ({ x, T: Math.fround(T), k, p: Math.fround(p), u: Math.fround(u) })), V, n);
      const count = new Float64Array(V);
      for (const t of got.tokens) count[t]++;
      for (let v = 0; v < V; v++) {
        const tol = kind === "grid" ? 2 : 5 * Math.sqrt(n * q[v] * (1 - q[v])) + 1;
        if (Math.abs(count[v] - n * q[v]) > tol) throw new Error(`${kind}: token ${v} drawn ${count[v]} times of ${n}, expected ${n * q[v]} ± ${tol}`);
        if (q[v] === 0) expect(count[v]).toBe(0);
      }
    }
  }, TIMEOUT);

  test.skipIf(!dev)("refuses parameters that are not one per row, naming them", () => {
    const x = dev!.tensor(new Float32Array(6), [2, 3], { name: "logits" });
    const one = (name: string, dtype: "f32" | "i32", n = 2) => dev!.tensor(dtype === "i32" ? new Int32Array(n) : new Float32Array(n), [n], { name });
    const params = { temperature: one("temperature", "f32"), topK: one("topK", "i32"), topP: one("topP", "f32"), uniform: one("uniform", "f32", 3) };
    expect(() => ops.sampleRows(x, params)).toThrow("sampleRows: uniform [3] f32 has 3 values for 2 rows of logits [2,3] f32. Hint: one value per logits row: shape (B)");
    expect(() => ops.sampleRows(x, { ...params, uniform: one("uniform", "f32"), topK: one("topK", "f32") })).toThrow("sampleRows: topK [2] f32 must be i32");
  });
});
