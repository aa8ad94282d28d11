import { type Doc, readSource, resolveDatasets, MinHasher, LshIndex } from "@lathe/data";
import { WordHashes, fmix32 } from "../src/rules/words.ts";
const root = "/work/main";
const docs: Doc[] = [];
for await (const d of readSource(resolveDatasets([{ path: "npm:nlp-corpus" }])[0]!, { baseDir: root, root, cacheDir: "/tmp" })) docs.push(d);
const texts = docs.map((d) => d.text!);
const mb = texts.reduce((a, t) => a + Buffer.byteLength(t), 0) / 1e6;
let shingleTotal = 0, wordsTotal = 0;
function t(name: string, f: () => void) {
  const xs: number[] = [];
  for (let r = 0; r < 5; r++) { const t0 = performance.now(); f(); xs.push(performance.now() - t0); }
  xs.sort((a, b) => a - b);
  console.log(name.padEnd(20), xs[2]!.toFixed(0), "ms", (mb / (xs[2]! / 1000)).toFixed(1), "MB/s");
}
const p = { ngram: 5, bands: 14, rows: 8, seed: 1 };
t("lower", () => { for (const x of texts) x.toLowerCase(); });
t("scan", () => { const w = new WordHashes(); for (const x of texts) { w.scan(x); wordsTotal += w.count; } });
console.log("words/doc", wordsTotal / texts.length / 5);
const h = new MinHasher(p);
const sig = new Int32Array(h.k);
t("signature", () => { for (const x of texts) { h.signature(x, sig); shingleTotal += h.shingles; } });
console.log("shingles/doc", shingleTotal / texts.length / 5);
// LSH only: precompute signatures
const sigs = texts.map((x) => h.signature(x, new Int32Array(h.k)));
t("lsh", () => { const ix = new LshIndex(h); for (const s of sigs) ix.add(s); });
const hi = new Int32Array(14), lo = new Int32Array(14);
t("bandkeys", () => { for (const s of sigs) h.bandKeys(s, hi, lo); });
