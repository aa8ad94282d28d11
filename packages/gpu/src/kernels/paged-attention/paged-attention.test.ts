// Paged-KV decoding kernels: the reference against plain causal self-attention (kernels/attention, kernels/rope) of
// each sequence alone with its pages scattered over the pool, then kvWrite + pagedAttention on each backend against
// the reference on odd shapes: head sizes 3..32, page sizes that do not divide the lengths, sequences of 1 and 100
// positions in one dispatch, several query rows per sequence (a prefill chunk) next to single decode rows.
import { describe, expect, test } from "bun:test";
import { getDevice } from "../../get-device.ts";
import { ops } from "../../ops/index.ts";
import type { Device } from "../../tensor.ts";
import { testDevice } from "../../testing.ts";
import { attentionForwardRef } from "../attention/reference.ts";
import { ropeForwardRef } from "../rope/reference.ts";
import { kvWriteRef, type PagedDims, pagedAttentionRef } from "./reference.ts";

const devices: [string, Device | null][] = [["cpu", await getDevice({ backend: "cpu" })], ["webgpu", await testDevice()]];

/** Attention outputs: max |got - want| / (1 + |want|) (f32 sums over ≤ 100 positions in another order). */
const TOL = 2e-5;
/** Cache rows and q: copies, and rotations computed with f32 pow/sin/cos on the GPU. */
const WRITE_TOL = 2e-5;

function rand(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s ^ (s >>> 15), 2246822519) + 374761393) >>> 0;
    out[i] = (s / 2 ** 32) * 2 - 1;
  }
  return out;
}

function maxRelErr(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let e = 0;
  for (let i = 0; i < want.length; i++) e = Math.max(e, Math.abs(got[i] - want[i]) / (1 + Math.abs(want[i])));
  return e;
}

/** A pool of P pages handed out in a scrambled order, so consecutive logical pages are never neighbours. */
function pageTableFor(lengths: readonly number[], PG: number, M: number): { table: Int32Array; P: number } {
  const need = lengths.map((n) => Math.ceil(n / PG));
  let P = need.reduce((a, b) => a + b, 0) + 3; // spare pages, left holding garbage
  if (P % 7 === 0) P++; // 7 and P coprime: i -> (7i + 3) mod P is a permutation
  const order = Array.from({ length: P }, (_, i) => (i * 7 + 3) % P);
  const table = new Int32Array(lengths.length * M).fill(-1);
  let k = 0;
  need.forEach((n, r) => {
    for (let j = 0; j < n; j++) table[r * M + j] = order[k++];
  });
  return { table, P };
}

/** Rows (seq, pos) of positions a..b-1 of each sequence. */
function rowsOf(spans: readonly [number, number][]): { seq: Int32Array; pos: Int32Array } {
  const seq: number[] = [];
  const pos: number[] = [];
  spans.forEach(([a, b], r) => {
    for (let u = a; u < b; u++) [seq.push(r), pos.push(u)];
  });
  return { seq: Int32Array.from(seq), pos: Int32Array.from(pos) };
}

test("the reference gives each sequence's own causal attention though its pages are scattered over the pool", () => {
  const [H, D, PG] = [3, 4, 5];
  const C = H * D;
  const lengths = [13, 1, 6];
  const M = 3;
  const { table, P } = pageTableFor(lengths, PG, M);
  const L = 2;
  const S = P * PG;
  const kc = rand(L * S * C, 1);
  const vc = rand(L * S * C, 2);
  const { seq, pos } = rowsOf(lengths.map((n) => [0, n]));
  const N = seq.length;
  const qkv = rand(N * 3 * C, 3);
  const d: PagedDims = { N, C, nHead: H, pageSize: PG, maxPages: M, slots: S, layer: 1 };
  const q = new Float32Array(N * C);
  kvWriteRef(q, kc, vc, qkv, table, seq, pos, d, 100);
  const out = new Float32Array(N * C);
  pagedAttentionRef(out, q, kc, vc, table, seq, pos, d);
  let row = 0;
  for (const T of lengths) {
    const dims = { B: 1, T, C, nHead: H };
    const x = qkv.slice(row * 3 * C, (row + T) * 3 * C);
    const rotated = new Float32Array(x.length);
    ropeForwardRef(rotated, x, dims, 100);
    const want = new Float32Array(T * C);
    attentionForwardRef(want, new Float32Array(H * T), rotated, dims, true);
    expect(maxRelErr(out.subarray(row * C, (row + T) * C), want)).toBeLessThan(1e-6);
    row += T;
  }
});

// H, D, page size, sequence lengths, query rows at the end of each (1: decode, more: a prefill chunk), RoPE base.
const cases: [number, number, number, number[], number[], number | null][] = [
  [1, 8, 4, [1, 9], [1, 1], null],
  [3, 6, 5, [17, 2, 40], [1, 2, 3], 10000],
  [2, 16, 16, [1, 70, 33, 16], [1, 1, 5, 16], null],
  [5, 3, 7, [12, 1], [4, 1], null],
  [4, 32, 16, [100, 3, 1], [1, 3, 1], 500],
];

describe.each(devices)("paged decoding on %s", (_name, dev) => {
  test.skipIf(!dev).each(cases)(
    "H=%i, D=%i, pages of %i, lengths %j (last %j rows queried, rope %p): caches and outputs match the reference",
    async (H, D, PG, lengths, last, rope) => {
      const C = H * D;
      const M = Math.ceil(Math.max(...lengths) / PG) + 1;
      const { table, P } = pageTableFor(lengths, PG, M);
      const [L, layer] = [3, 2];
      const S = P * PG;
      const kc0 = rand(L * S * C, H * 100 + D);
      const vc0 = rand(L * S * C, H * 100 + D + 1);
      const kc = dev!.tensor(kc0.slice(), [L, S, C], { name: "kCache" });
      const vc = dev!.tensor(vc0.slice(), [L, S, C], { name: "vCache" });
      const pageTable = dev!.tensor(table, [lengths.length, M], { name: "pageTable" });
      const [wantK, wantV] = [kc0, vc0];
      // Step 1 writes the history; step 2 writes and queries the last rows of every sequence in one dispatch.
      let out: Float32Array = new Float32Array(0);
      let want = new Float32Array(0);
      let wantQ = new Float32Array(0);
      let gotQ: Float32Array = new Float32Array(0);
      for (const spans of [lengths.map((n, r): [number, number] => [0, n - last[r]]), lengths.map((n, r): [number, number] => [n - last[r], n])]) {
        const { seq, pos } = rowsOf(spans);
        const N = seq.length;
        const qkv = rand(N * 3 * C, N + D);
        const d: PagedDims = { N, C, nHead: H, pageSize: PG, maxPages: M, slots: S, layer };
        wantQ = new Float32Array(N * C);
        kvWriteRef(wantQ, wantK, wantV, qkv, table, seq, pos, d, rope ?? 0);
        want = new Float32Array(N * C);
        pagedAttentionRef(want, wantQ, wantK, wantV, table, seq, pos, d);
        const rows = { pageTable, seq: dev!.tensor(seq, [N]), pos: dev!.tensor(pos, [N]), pageSize: PG };
        const q = ops.kvWrite(dev!.tensor(qkv, [N, 3 * C]), kc, vc, layer, rows, { nHead: H, ropeBase: rope });
        const y = ops.pagedAttention(q, kc, vc, layer, rows, H);
        expect(y.shape).toEqual([N, C]);
        gotQ = (await q.read()) as Float32Array;
        out = (await y.read()) as Float32Array;
      }
      expect(maxRelErr(gotQ, wantQ)).toBeLessThan(WRITE_TOL);
      expect(maxRelErr(await kc.read(), wantK)).toBeLessThan(WRITE_TOL); // other layers and spare pages untouched
      expect(maxRelErr(await vc.read(), wantV)).toBeLessThan(WRITE_TOL);
      expect(maxRelErr(out, want)).toBeLessThan(TOL);
    },
  );

  test.skipIf(!dev)("a page size that does not divide the caches' slots is refused with the shapes named", () => {
    const kc = dev!.zeros([1, 10, 4], "f32", { name: "kCache" });
    const rows = { pageTable: dev!.zeros([1, 2], "i32"), seq: dev!.zeros([1], "i32"), pos: dev!.zeros([1], "i32"), pageSize: 4 };
    expect(() => ops.pagedAttention(dev!.zeros([1, 4]), kc, kc, 0, rows, 2)).toThrow(
      "pagedAttention: page size 4 does not divide the 10 slots of kCache [1,10,4] f32. Hint: make the caches (L, pages * pageSize, C)",
    );
    expect(() => ops.kvWrite(dev!.zeros([1, 12]), kc, kc, 1, { ...rows, pageSize: 5 }, { nHead: 2 })).toThrow("kvWrite: layer 1 is outside the caches' 1 layers");
  });
});
