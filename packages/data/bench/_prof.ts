import { MinHasher, LshIndex, readSource, resolveDatasets } from "@lathe/data";
const root = "/work/main";
const docs: string[] = [];
for await (const d of readSource(resolveDatasets([{ path: "npm:nlp-corpus" }])[0]!, { baseDir: root, root, cacheDir: "/tmp" })) docs.push(d.text!);
const h = new MinHasher({ ngram: 5, bands: 14, rows: 8, seed: 1 });
const sig = new Int32Array(h.k);
const hi = new Int32Array(14), lo = new Int32Array(14);
for (let r = 0; r < 3; r++) {
  const res: Record<string, string> = {};
  let t = performance.now(); for (const d of docs) h.signature(d, sig); res.sig = (performance.now() - t).toFixed(0);
  const idx = new LshIndex(h);
  t = performance.now(); for (const d of docs) { h.signature(d, sig); idx.add(sig); } res.sigIdx = (performance.now() - t).toFixed(0);
  const store: Int32Array[] = []; let n = 0;
  t = performance.now(); for (const d of docs) { if (n % 4096 === 0) store.push(new Int32Array(4096 * 112)); store[store.length - 1]!.set(sig, (n % 4096) * 112); n++; } res.storeOnly = (performance.now() - t).toFixed(0);
  console.log(res);
}
