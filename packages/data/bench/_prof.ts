import { Cleaner, type Doc, readSource, resolveClean, resolveDatasets, MinHasher, LshIndex } from "@lathe/data";
const root = "/work/main";
const docs: Doc[] = [];
for await (const d of readSource(resolveDatasets([{ path: "npm:nlp-corpus" }])[0]!, { baseDir: root, root, cacheDir: "/tmp" })) docs.push(d);
const texts = docs.map((d) => d.text!);
const mb = texts.reduce((a, t) => a + Buffer.byteLength(t), 0) / 1e6;
const p = { ngram: 5, bands: 14, rows: 8, seed: 1 };
function t(name: string, f: () => void) {
  const xs: number[] = [];
  for (let r = 0; r < 5; r++) { const t0 = performance.now(); f(); xs.push(performance.now() - t0); }
  xs.sort((a, b) => a - b);
  console.log(name, xs[2]!.toFixed(0), "ms", (mb / (xs[2]! / 1000)).toFixed(1), "MB/s");
}
t("bytelength", () => { let s = 0; for (const x of texts) s += Buffer.byteLength(x); });
t("scan", () => { const h = new MinHasher(p); for (const x of texts) (h as any).words.scan(x); });
t("signature", () => { const h = new MinHasher(p); const sig = new Int32Array(h.k); for (const x of texts) h.signature(x, sig); });
t("sig+lsh", () => { const h = new MinHasher(p); const ix = new LshIndex(h); const sig = new Int32Array(h.k); for (const x of texts) { h.signature(x, sig); ix.add(sig); } });
t("scan2", () => { const h = new MinHasher(p); for (const x of texts) (h as any).words.scan(x); });
t("cleaner", () => { const c = new Cleaner(resolveClean([{ rule: "dedup", method: "minhash" }])); for (const d of docs) c.process(d); });
t("cleaner-empty", () => { const c = new Cleaner(resolveClean([{ rule: "split" }])); for (const d of docs) c.process(d); });
