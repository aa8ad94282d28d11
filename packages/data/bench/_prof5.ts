import { type Doc, readSource, resolveDatasets, MinHasher, LshIndex } from "@lathe/data";
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
const sigs = texts.map((x) => h.signature(x, new Int32Array(h.k)));
const HI = new Int32Array(14), LO = new Int32Array(14);
const keys = sigs.map((s) => { h.bandKeys(s, HI, LO); return [HI.slice(), LO.slice()] as const; });
t("current", () => { const ix = new LshIndex(h); let m = 0; for (const s of sigs) if (ix.add(s) >= 0) m++; return m; });

class T3 {
  slots = new Int32Array(3 << 18); mask = (1 << 18) - 1; size = 0;
  constructor(bits = 18) { this.slots = new Int32Array(3 << bits); this.mask = (1 << bits) - 1; }
  getOrSet(h: number, l: number, doc: number): number {
    if (2 * (this.size + 1) > this.mask + 1) this.grow();
    const s = this.slots;
    let i = (h ^ Math.imul(l, 0x27d4eb2f)) & this.mask;
    for (;;) {
      const o = i * 3; const v = s[o + 2]!;
      if (v === 0) { s[o] = h; s[o + 1] = l; s[o + 2] = doc + 1; this.size++; return -1; }
      if (s[o] === h && s[o + 1] === l) return v - 1;
      i = (i + 1) & this.mask;
    }
  }
  grow() { const old = this.slots; const cap = (this.mask + 1) * 4; this.slots = new Int32Array(cap * 3); this.mask = cap - 1; this.size = 0;
    for (let o = 0; o < old.length; o += 3) if (old[o + 2] !== 0) this.getOrSet(old[o]!, old[o + 1]!, old[o + 2]! - 1); }
}
t("keys-only current table", () => { const tb = new T3(); let m = 0; keys.forEach(([hi, lo], d) => { for (let b = 0; b < 14; b++) if (tb.getOrSet(hi[b]!, lo[b]!, d) >= 0) m++; }); return m; });
t("presized 2^22", () => { const tb = new T3(22); let m = 0; keys.forEach(([hi, lo], d) => { for (let b = 0; b < 14; b++) if (tb.getOrSet(hi[b]!, lo[b]!, d) >= 0) m++; }); return m; });
// batched: gather first slot values
const idx = new Int32Array(14), first = new Int32Array(14);
t("batched 2^22", () => { const tb = new T3(22); let m = 0; keys.forEach(([hi, lo], d) => {
  const s = tb.slots, mask = tb.mask;
  for (let b = 0; b < 14; b++) idx[b] = (hi[b]! ^ Math.imul(lo[b]!, 0x27d4eb2f)) & mask;
  let acc = 0; for (let b = 0; b < 14; b++) acc ^= s[idx[b]! * 3 + 2]!; // touch
  first[0] = acc;
  for (let b = 0; b < 14; b++) if (tb.getOrSet(hi[b]!, lo[b]!, d) >= 0) m++; }); return m; });
// 2-int slots: [hi, doc+1], verify lo from a side array of band keys per doc: lo stored in per-doc array docsLo[doc*14+b]
class T2 {
  slots: Int32Array; mask: number; size = 0; lo: Int32Array = new Int32Array(14 * 200000);
  constructor(bits = 18) { this.slots = new Int32Array(2 << bits); this.mask = (1 << bits) - 1; }
  getOrSet(h: number, l: number, band: number, doc: number): number {
    const s = this.slots;
    let i = (h ^ Math.imul(l, 0x27d4eb2f)) & this.mask;
    for (;;) {
      const o = i * 2; const v = s[o + 1]!;
      if (v === 0) { s[o] = h; s[o + 1] = doc + 1; this.size++; return -1; }
      if (s[o] === h && this.lo[(v - 1) * 14 + band] === l) return v - 1;
      i = (i + 1) & this.mask;
    }
  }
}
t("T2 2^22", () => { const tb = new T2(22); let m = 0; keys.forEach(([hi, lo], d) => { tb.lo.set(lo, d * 14); for (let b = 0; b < 14; b++) if (tb.getOrSet(hi[b]!, lo[b]!, b, d) >= 0) m++; }); return m; });
// per-band tables
t("perband 2^18 each", () => { const tbs = Array.from({ length: 14 }, () => new T3(18)); let m = 0; keys.forEach(([hi, lo], d) => { for (let b = 0; b < 14; b++) if (tbs[b]!.getOrSet(hi[b]!, lo[b]!, d) >= 0) m++; }); return m; });
