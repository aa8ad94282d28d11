import { type Doc, readSource, resolveDatasets, MinHasher } from "@lathe/data";
const root = "/work/main";
const docs: Doc[] = [];
for await (const d of readSource(resolveDatasets([{ path: "npm:nlp-corpus" }])[0]!, { baseDir: root, root, cacheDir: "/tmp" })) docs.push(d);
const texts = docs.map((d) => d.text!);
const mb = texts.reduce((a, t) => a + Buffer.byteLength(t), 0) / 1e6;
function t(name: string, f: () => number) {
  const xs: number[] = []; let r0 = 0;
  for (let r = 0; r < 5; r++) { const t0 = performance.now(); r0 = f(); xs.push(performance.now() - t0); }
  xs.sort((a, b) => a - b);
  console.log(name.padEnd(20), xs[2]!.toFixed(0), "ms", (mb / (xs[2]! / 1000)).toFixed(1), "MB/s", r0);
}
const p = { ngram: 5, bands: 14, rows: 8, seed: 1 };
const h = new MinHasher(p);
// shingle arrays per doc
const sh: Int32Array[] = [];
for (const x of texts) { h.signature(x, new Int32Array(112)); sh.push((h as any).shingleBuf.slice(0, h.shingles)); }
const a: Int32Array = (h as any).a, b: Int32Array = (h as any).b;
const out = new Int32Array(112);
function v4(xs: Int32Array, m: number) {
  for (let t = 0; t < 112; t += 4) {
    const a0 = a[t]!, a1 = a[t + 1]!, a2 = a[t + 2]!, a3 = a[t + 3]!;
    const b0 = b[t]!, b1 = b[t + 1]!, b2 = b[t + 2]!, b3 = b[t + 3]!;
    let m0 = 0x7fffffff, m1 = 0x7fffffff, m2 = 0x7fffffff, m3 = 0x7fffffff;
    for (let i = 0; i < m; i++) {
      const x = xs[i]!;
      const v0 = (Math.imul(a0, x) + b0) | 0; const v1 = (Math.imul(a1, x) + b1) | 0;
      const v2 = (Math.imul(a2, x) + b2) | 0; const v3 = (Math.imul(a3, x) + b3) | 0;
      if (v0 < m0) m0 = v0; if (v1 < m1) m1 = v1; if (v2 < m2) m2 = v2; if (v3 < m3) m3 = v3;
    }
    out[t] = m0; out[t + 1] = m1; out[t + 2] = m2; out[t + 3] = m3;
  }
}
function v4min(xs: Int32Array, m: number) {
  for (let t = 0; t < 112; t += 4) {
    const a0 = a[t]!, a1 = a[t + 1]!, a2 = a[t + 2]!, a3 = a[t + 3]!;
    const b0 = b[t]!, b1 = b[t + 1]!, b2 = b[t + 2]!, b3 = b[t + 3]!;
    let m0 = 0x7fffffff, m1 = 0x7fffffff, m2 = 0x7fffffff, m3 = 0x7fffffff;
    for (let i = 0; i < m; i++) {
      const x = xs[i]!;
      m0 = Math.min(m0, (Math.imul(a0, x) + b0) | 0); m1 = Math.min(m1, (Math.imul(a1, x) + b1) | 0);
      m2 = Math.min(m2, (Math.imul(a2, x) + b2) | 0); m3 = Math.min(m3, (Math.imul(a3, x) + b3) | 0);
    }
    out[t] = m0; out[t + 1] = m1; out[t + 2] = m2; out[t + 3] = m3;
  }
}
function v8(xs: Int32Array, m: number) {
  for (let t = 0; t < 112; t += 8) {
    const a0 = a[t]!, a1 = a[t + 1]!, a2 = a[t + 2]!, a3 = a[t + 3]!, a4 = a[t + 4]!, a5 = a[t + 5]!, a6 = a[t + 6]!, a7 = a[t + 7]!;
    const b0 = b[t]!, b1 = b[t + 1]!, b2 = b[t + 2]!, b3 = b[t + 3]!, b4 = b[t + 4]!, b5 = b[t + 5]!, b6 = b[t + 6]!, b7 = b[t + 7]!;
    let m0 = 0x7fffffff, m1 = 0x7fffffff, m2 = 0x7fffffff, m3 = 0x7fffffff, m4 = 0x7fffffff, m5 = 0x7fffffff, m6 = 0x7fffffff, m7 = 0x7fffffff;
    for (let i = 0; i < m; i++) {
      const x = xs[i]!;
      const v0 = (Math.imul(a0, x) + b0) | 0; const v1 = (Math.imul(a1, x) + b1) | 0;
      const v2 = (Math.imul(a2, x) + b2) | 0; const v3 = (Math.imul(a3, x) + b3) | 0;
      const v4 = (Math.imul(a4, x) + b4) | 0; const v5 = (Math.imul(a5, x) + b5) | 0;
      const v6 = (Math.imul(a6, x) + b6) | 0; const v7 = (Math.imul(a7, x) + b7) | 0;
      if (v0 < m0) m0 = v0; if (v1 < m1) m1 = v1; if (v2 < m2) m2 = v2; if (v3 < m3) m3 = v3;
      if (v4 < m4) m4 = v4; if (v5 < m5) m5 = v5; if (v6 < m6) m6 = v6; if (v7 < m7) m7 = v7;
    }
    out[t] = m0; out[t + 1] = m1; out[t + 2] = m2; out[t + 3] = m3; out[t + 4] = m4; out[t + 5] = m5; out[t + 6] = m6; out[t + 7] = m7;
  }
}
// shingle-outer: out init, each shingle updates all 112
function sOuter(xs: Int32Array, m: number) {
  out.fill(0x7fffffff);
  for (let i = 0; i < m; i++) {
    const x = xs[i]!;
    for (let t = 0; t < 112; t++) { const v = (Math.imul(a[t]!, x) + b[t]!) | 0; if (v < out[t]!) out[t] = v; }
  }
}
// Derive hashes: h_t = (h1 + t*h2) style? (Kirsch-Mitzenmacher) - different algorithm, just timing
function km(xs: Int32Array, m: number) {
  out.fill(0x7fffffff);
  for (let i = 0; i < m; i++) {
    const x = xs[i]!;
    const h1 = Math.imul(x, 0x9e3779b1); const h2 = Math.imul(x ^ (x >>> 15), 0x85ebca6b) | 1;
    let v = h1;
    for (let t = 0; t < 112; t++) { v = (v + h2) | 0; const w = v ^ (v >>> 16); if (w < out[t]!) out[t] = w; }
  }
}
for (const [name, f] of [["v4", v4], ["v4min", v4min], ["v8", v8], ["sOuter", sOuter], ["km", km], ["v4", v4], ["v8", v8]] as const)
  t(name, () => { let s = 0; for (const xs of sh) { f(xs, xs.length); s = (s + out[5]!) | 0; } return s; });
function v8min(xs: Int32Array, m: number) {
  for (let t = 0; t < 112; t += 8) {
    const a0 = a[t]!, a1 = a[t + 1]!, a2 = a[t + 2]!, a3 = a[t + 3]!, a4 = a[t + 4]!, a5 = a[t + 5]!, a6 = a[t + 6]!, a7 = a[t + 7]!;
    const b0 = b[t]!, b1 = b[t + 1]!, b2 = b[t + 2]!, b3 = b[t + 3]!, b4 = b[t + 4]!, b5 = b[t + 5]!, b6 = b[t + 6]!, b7 = b[t + 7]!;
    let m0 = 0x7fffffff, m1 = 0x7fffffff, m2 = 0x7fffffff, m3 = 0x7fffffff, m4 = 0x7fffffff, m5 = 0x7fffffff, m6 = 0x7fffffff, m7 = 0x7fffffff;
    for (let i = 0; i < m; i++) {
      const x = xs[i]!;
      m0 = Math.min(m0, (Math.imul(a0, x) + b0) | 0); m1 = Math.min(m1, (Math.imul(a1, x) + b1) | 0);
      m2 = Math.min(m2, (Math.imul(a2, x) + b2) | 0); m3 = Math.min(m3, (Math.imul(a3, x) + b3) | 0);
      m4 = Math.min(m4, (Math.imul(a4, x) + b4) | 0); m5 = Math.min(m5, (Math.imul(a5, x) + b5) | 0);
      m6 = Math.min(m6, (Math.imul(a6, x) + b6) | 0); m7 = Math.min(m7, (Math.imul(a7, x) + b7) | 0);
    }
    out[t] = m0; out[t + 1] = m1; out[t + 2] = m2; out[t + 3] = m3; out[t + 4] = m4; out[t + 5] = m5; out[t + 6] = m6; out[t + 7] = m7;
  }
}
function sOuterMin(xs: Int32Array, m: number) {
  out.fill(0x7fffffff);
  for (let i = 0; i < m; i++) {
    const x = xs[i]!;
    for (let t = 0; t < 112; t++) out[t] = Math.min(out[t]!, (Math.imul(a[t]!, x) + b[t]!) | 0);
  }
}
function v2min(xs: Int32Array, m: number) {
  for (let t = 0; t < 112; t += 2) {
    const a0 = a[t]!, a1 = a[t + 1]!;
    const b0 = b[t]!, b1 = b[t + 1]!;
    let m0 = 0x7fffffff, m1 = 0x7fffffff;
    for (let i = 0; i < m; i++) {
      const x = xs[i]!;
      m0 = Math.min(m0, (Math.imul(a0, x) + b0) | 0); m1 = Math.min(m1, (Math.imul(a1, x) + b1) | 0);
    }
    out[t] = m0; out[t + 1] = m1;
  }
}
for (const [name, f] of [["v4min", v4min], ["v8min", v8min], ["sOuterMin", sOuterMin], ["v2min", v2min], ["v4min", v4min]] as const)
  t(name, () => { let s = 0; for (const xs of sh) { f(xs, xs.length); s = (s + out[5]!) | 0; } return s; });
