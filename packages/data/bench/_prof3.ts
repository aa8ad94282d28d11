import { type Doc, readSource, resolveDatasets } from "@lathe/data";
import { WordHashes } from "../src/rules/words.ts";
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
t("charloop", () => { let s = 0; for (const x of texts) { for (let i = 0; i < x.length; i++) s = (s + x.charCodeAt(i)) | 0; } return s; });
t("charloop-lower", () => { let s = 0; for (const x0 of texts) { const x = x0.toLowerCase(); for (let i = 0; i < x.length; i++) s = (s + x.charCodeAt(i)) | 0; } return s; });
const cls = new Uint8Array(65536);
for (let c = 0; c < 128; c++) cls[c] = (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90) ? 1 : 2;
const hs = new Int32Array(100000);
t("hashwords-fold", () => {
  let tot = 0;
  for (const s of texts) {
    let n = 0, h = 0, inWord = false;
    const len = s.length;
    for (let i = 0; i < len; i++) {
      let c = s.charCodeAt(i);
      if (c < 128 ? cls[c] === 1 : false) {
        if (c <= 90 && c >= 65) c |= 32;
        if (!inWord) { inWord = true; h = 0x811c9dc5 | 0; }
        h = Math.imul(h ^ c, 0x01000193);
      } else if (inWord) { inWord = false; hs[n++] = h; }
    }
    if (inWord) hs[n++] = h;
    tot += n;
  }
  return tot;
});
t("wordhashes.scan", () => { const w = new WordHashes(); let tot = 0; for (const x of texts) { w.scan(x); tot += w.count; } return tot; });
