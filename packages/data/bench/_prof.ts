import { MinHasher, LshIndex, readSource, resolveDatasets, Cleaner, resolveClean } from "@lathe/data";
import { WordHashes } from "../src/rules/words.ts";
const root = "/work/main";
const docs: any[] = [];
for await (const d of readSource(resolveDatasets([{ path: "npm:nlp-corpus" }])[0]!, { baseDir: root, root, cacheDir: "/tmp" })) docs.push(d);
const h = new MinHasher({ ngram: 5, bands: 14, rows: 8, seed: 1 });
const sig = new Int32Array(h.k);
const w = new WordHashes();
for (let r = 0; r < 3; r++) {
  const res: Record<string, string> = {};
  let t = performance.now(); for (const d of docs) w.scan(d.text); res.scan = (performance.now() - t).toFixed(0);
  t = performance.now(); for (const d of docs) h.signature(d.text, sig); res.sig = (performance.now() - t).toFixed(0);
  const idx = new LshIndex(h);
  t = performance.now(); for (const d of docs) { h.signature(d.text, sig); idx.add(sig); } res.sigIdx = (performance.now() - t).toFixed(0);
  const c = new Cleaner(resolveClean([{ rule: "dedup", method: "minhash" }]));
  t = performance.now(); for (const d of docs) c.process(d); res.cleaner = (performance.now() - t).toFixed(0);
  const c0 = new Cleaner(resolveClean([]));
  t = performance.now(); for (const d of docs) c0.process(d); res.emptyCleaner = (performance.now() - t).toFixed(0);
  console.log(res);
}
