// Attention kernels vs the CPU reference (odd T and D, several heads, causal and full), and the reference
// backward vs central finite differences of the reference forward (in f64).
import { afterAll, describe, expect, test } from "bun:test";
import { acquireDevice } from "../../device.ts";
import { NoAdapterError } from "../../errors.ts";
import { Runtime, type GpuBuf } from "../../runtime.ts";
import type { HeadDims } from "../../types.ts";
import { attentionBackward, attentionForward, type AttentionPath } from "./attention.ts";
import { attentionBackwardRef, attentionForwardRef } from "./reference.ts";

let rt: Runtime | null = null;
try {
  rt = new Runtime(await acquireDevice());
} catch (e) {
  if (!(e instanceof NoAdapterError)) throw e;
  console.log(`skipping attention GPU tests: ${e.message}`);
}
afterAll(() => rt?.destroy());

function rand(n: number, seed: number, std = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s ^ (s >>> 15), 2246822519) + 374761393) >>> 0;
    out[i] = ((s / 2 ** 32) * 2 - 1) * std;
  }
  return out;
}

function upload(r: Runtime, x: Float32Array): GpuBuf {
  const b = r.alloc(x.length * 4, "test input");
  r.write(b, x);
  return b;
}

async function download(r: Runtime, b: GpuBuf, n: number): Promise<Float32Array> {
  return new Float32Array(await r.read(b, n * 4));
}

/** max |got - want| / (1 + |want|) */
function relErr(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let e = 0;
  for (let i = 0; i < want.length; i++) e = Math.max(e, Math.abs(got[i] - want[i]) / (1 + Math.abs(want[i])));
  return e;
}

const TOL = 2e-5;
const TIMEOUT = 120_000;

// name, B, T, C, nHead, causal; each runs on the portable kernels and on the subgroup kernels where D % 4 == 0.
const shapes: [string, number, number, number, number, boolean][] = [
  ["one token, one head", 1, 1, 4, 1, true],
  ["T=7, D=6, two heads", 2, 7, 12, 2, true],
  ["odd head size D=5, three heads", 1, 13, 15, 3, true],
  ["T=70 spans two workgroups", 1, 70, 8, 2, true],
  ["T=21, D=36 (more vec4s than lanes)", 2, 21, 72, 2, true],
  ["full (non-causal) attention", 2, 9, 12, 3, false],
];
const cases: [string, number, number, number, number, boolean, AttentionPath][] = shapes.flatMap(([n, B, T, C, H, causal]) => [
  [`${n} (portable)`, B, T, C, H, causal, "portable"] as [string, number, number, number, number, boolean, AttentionPath],
  ...((C / H) % 4 === 0 ? [[`${n} (auto)`, B, T, C, H, causal, "auto"] as [string, number, number, number, number, boolean, AttentionPath]] : []),
]);

describe.skipIf(!rt)("attention on WebGPU matches the reference", () => {
  test.each(cases)("%s: forward out and lse", async (_n, B, T, C, nHead, causal, path) => {
    const r = rt!;
    const d: HeadDims = { B, T, C, nHead };
    const qkv = rand(B * T * 3 * C, 1, 1.5);
    const [out, lse] = [new Float32Array(B * T * C), new Float32Array(B * nHead * T)];
    attentionForwardRef(out, lse, qkv, d, causal);
    const [gout, glse] = [r.alloc(out.length * 4, "out"), r.alloc(lse.length * 4, "lse")];
    attentionForward(r, gout, glse, upload(r, qkv), d, causal, path);
    expect(relErr(await download(r, gout, out.length), out)).toBeLessThan(TOL);
    expect(relErr(await download(r, glse, lse.length), lse)).toBeLessThan(TOL);
  }, TIMEOUT);

  test.each(cases)("%s: backward dqkv", async (_n, B, T, C, nHead, causal, path) => {
    const r = rt!;
    const d: HeadDims = { B, T, C, nHead };
    const qkv = rand(B * T * 3 * C, 2, 1.5), dout = rand(B * T * C, 3);
    const [out, lse, dqkv] = [new Float32Array(B * T * C), new Float32Array(B * nHead * T), new Float32Array(qkv.length)];
    attentionForwardRef(out, lse, qkv, d, causal);
    attentionBackwardRef(dqkv, dout, out, lse, qkv, d, causal);
    const gdqkv = upload(r, rand(qkv.length, 4)); // garbage: the backward must overwrite every element
    attentionBackward(r, gdqkv, upload(r, dout), upload(r, out), upload(r, lse), upload(r, qkv), d, causal, path);
    expect(relErr(await download(r, gdqkv, dqkv.length), dqkv)).toBeLessThan(TOL);
  }, TIMEOUT);

  test("the backward is bitwise deterministic run to run", async () => {
    const r = rt!;
    const d: HeadDims = { B: 2, T: 19, C: 12, nHead: 2 };
    const qkv = upload(r, rand(2 * 19 * 36, 5)), dout = upload(r, rand(2 * 19 * 12, 6));
    const [out, lse] = [r.alloc(2 * 19 * 12 * 4, "out"), r.alloc(2 * 2 * 19 * 4, "lse")];
    attentionForward(r, out, lse, qkv, d, true);
    const once = async () => {
      const g = r.alloc(2 * 19 * 36 * 4, "dqkv");
      attentionBackward(r, g, dout, out, lse, qkv, d, true);
      return Array.from(await download(r, g, 2 * 19 * 36));
    };
    expect(await once()).toEqual(await once());
  }, TIMEOUT);
});

describe("the attention reference backward", () => {
  test.each([
    ["causal, B=1 T=4 C=6 H=2", 1, 4, 6, 2, true],
    ["full, B=2 T=3 C=4 H=1", 2, 3, 4, 1, false],
  ] as [string, number, number, number, number, boolean][])("matches central finite differences (%s)", (_n, B, T, C, nHead, causal) => {
    const d: HeadDims = { B, T, C, nHead };
    const qkv = Float64Array.from(rand(B * T * 3 * C, 7, 1.5));
    const w = Float64Array.from(rand(B * T * C, 8)); // loss = sum(w * out)
    const loss = (x: Float64Array): number => {
      const out = new Float64Array(B * T * C);
      attentionForwardRef(out, new Float64Array(B * nHead * T), x, d, causal);
      return out.reduce((s, o, i) => s + o * w[i], 0);
    };
    const out = new Float64Array(B * T * C), lse = new Float64Array(B * nHead * T), g = new Float64Array(qkv.length);
    attentionForwardRef(out, lse, qkv, d, causal);
    attentionBackwardRef(g, w, out, lse, qkv, d, causal);
    const eps = 1e-5;
    const fd = new Float64Array(qkv.length);
    for (let i = 0; i < qkv.length; i++) {
      const x = qkv.slice();
      x[i] += eps;
      const up = loss(x);
      x[i] -= 2 * eps;
      fd[i] = (up - loss(x)) / (2 * eps);
    }
    expect(relErr(g, fd)).toBeLessThan(1e-7);
  });
});
