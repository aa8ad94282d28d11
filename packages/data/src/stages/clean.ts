// The clean stage (data.clean): run collect's docs.jsonl through the clean rules into train/val/test.jsonl and a
// report.json that explains every removal (per rule: docs/bytes removed, reasons, up to 3 examples).
import { statSync } from "node:fs";
import { join } from "node:path";
import type { StageContext } from "@lathe/engine";
import type { Clean, CleanRule, DecontaminateRule } from "../params.ts";
import { buildNgramSet, type NgramSet } from "../rules/decontaminate.ts";
import { Cleaner, prepareClean, type RuleReport } from "../rules/pipeline.ts";
import type { SplitName } from "../rules/split.ts";
import { readSource, type ReadContext } from "../read/source.ts";
import { addTaskNgrams } from "./eval-tasks.ts";
import { AtomicLines, readDocs, throttle, writeJsonAtomic } from "./files.ts";

export interface CleanReport {
  readonly docs_in: number;
  readonly bytes_in: number;
  readonly docs_out: number;
  readonly bytes_out: number;
  readonly seconds: number;
  readonly mb_per_s: number;
  readonly rules: readonly RuleReport[];
  readonly splits: Readonly<Record<SplitName, { docs: number; bytes: number }>>;
}

type Ctx = Pick<StageContext, "outDir" | "signal" | "log" | "progress">;

/** The n-gram sets of every decontaminate rule, read from its sets and the records of its tasks. */
export async function loadNgramSets(clean: Clean, rc: ReadContext, log: (s: string) => void): Promise<Map<CleanRule, NgramSet>> {
  const sets = new Map<CleanRule, NgramSet>();
  for (const [i, r] of clean.entries()) {
    if (r.rule !== "decontaminate") continue;
    const rule: DecontaminateRule = r;
    const docs = async function* () {
      for (const s of rule.sets) yield* readSource(s, rc);
    };
    const set = await buildNgramSet(docs(), rule.ngram);
    if (rule.sets.length > 0) log(`decontaminate: ${set.keys.size} distinct ${rule.ngram}-grams from ${rule.sets.length} set(s)`);
    await addTaskNgrams(set, clean, i, rc, log);
    sets.set(r, set);
  }
  return sets;
}

export async function runClean(clean: Clean, docsFile: string, rc: ReadContext, ctx: Ctx): Promise<CleanReport> {
  const t0 = performance.now();
  await prepareClean(clean);
  const cleaner = new Cleaner(clean, await loadNgramSets(clean, rc, ctx.log));
  const totalMB = statSync(docsFile).size / 1e6;
  const outs = { train: new AtomicLines(join(ctx.outDir, "train.jsonl")), val: new AtomicLines(join(ctx.outDir, "val.jsonl")), test: new AtomicLines(join(ctx.outDir, "test.jsonl")) };
  let kept = 0;
  const progress = throttle(250, () => {
    ctx.progress({ done: cleaner.docsIn, unit: "docs" });
    ctx.progress({ done: Math.round((cleaner.bytesIn / 1e6) * 100) / 100, total: Math.round(totalMB * 100) / 100, unit: "MB" });
  });
  try {
    for await (const d of readDocs(docsFile)) {
      if (ctx.signal.aborted) throw ctx.signal.reason ?? new Error("aborted");
      const r = cleaner.process(d);
      if (r) {
        outs[r.split].write(r.doc.messages ? { id: r.doc.id, source: r.doc.source, messages: r.doc.messages } : { id: r.doc.id, source: r.doc.source, text: r.doc.text });
        kept++;
      }
      progress.tick();
    }
    progress.flush();
    for (const o of Object.values(outs)) await o.close();
  } catch (e) {
    for (const o of Object.values(outs)) await o.abort();
    throw e;
  }
  const seconds = (performance.now() - t0) / 1000;
  const rules = cleaner.reports();
  for (const r of rules) ctx.log(`${r.rule}: removed ${r.docs_removed} docs (${(r.bytes_removed / 1e6).toFixed(2)} MB)${r.docs_modified ? `, rewrote ${r.docs_modified}` : ""}`);
  const s = cleaner.splits;
  const bytesOut = s.train.bytes + s.val.bytes + s.test.bytes;
  ctx.log(`kept ${kept}/${cleaner.docsIn} docs: train ${s.train.docs}, val ${s.val.docs}, test ${s.test.docs}`);
  const report: CleanReport = {
    docs_in: cleaner.docsIn,
    bytes_in: cleaner.bytesIn,
    docs_out: kept,
    bytes_out: bytesOut,
    seconds: Math.round(seconds * 1000) / 1000,
    mb_per_s: Math.round((cleaner.bytesIn / 1e6 / Math.max(seconds, 1e-9)) * 100) / 100,
    rules,
    splits: s,
  };
  writeJsonAtomic(join(ctx.outDir, "report.json"), report);
  return report;
}
