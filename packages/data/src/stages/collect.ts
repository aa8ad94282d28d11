// The collect stage (data.collect): read every dataset source, streaming, into docs.jsonl + report.json.
import { join } from "node:path";
import type { StageContext } from "@lathe/engine";
import { docText, utf8Bytes } from "../doc.ts";
import type { Datasets } from "../params.ts";
import { sourceName } from "../read/resolve.ts";
import { readSource, type ReadContext } from "../read/source.ts";
import { newStats, type SourceStats } from "../read/stats.ts";
import { AtomicLines, throttle, writeJsonAtomic } from "./files.ts";

export interface CollectReport {
  readonly docs: number;
  readonly bytes: number;
  readonly seconds: number;
  readonly sources: readonly SourceStats[];
}

type Ctx = Pick<StageContext, "outDir" | "signal" | "log" | "progress">;

/** Read all sources into outDir/docs.jsonl; ids are made unique by suffixing #2, #3, ... on collisions. */
export async function runCollect(datasets: Datasets, rc: ReadContext, ctx: Ctx): Promise<CollectReport> {
  const t0 = performance.now();
  const out = new AtomicLines(join(ctx.outDir, "docs.jsonl"));
  const sources: SourceStats[] = [];
  const ids = new Set<string>();
  let docs = 0;
  let bytes = 0;
  const progress = throttle(250, () => {
    ctx.progress({ done: docs, unit: "docs" });
    ctx.progress({ done: Math.round((bytes / 1e6) * 100) / 100, unit: "MB" });
  });
  try {
    for (const src of datasets) {
      const stats = newStats(sourceName(src), src.path);
      sources.push(stats);
      ctx.log(`reading ${src.path}${src.format !== "auto" ? ` (${src.format})` : ""}`);
      for await (const d of readSource(src, { ...rc, signal: ctx.signal }, stats)) {
        if (ctx.signal.aborted) throw ctx.signal.reason ?? new Error("aborted");
        let id = d.id;
        for (let k = 2; ids.has(id); k++) id = `${d.id}#${k}`;
        ids.add(id);
        out.write(d.messages ? { id, source: d.source, messages: d.messages } : { id, source: d.source, text: d.text });
        docs++;
        bytes += utf8Bytes(docText(d));
        progress.tick();
      }
      const bad = [stats.empty_files && `${stats.empty_files} empty`, stats.binary_files && `${stats.binary_files} binary`, stats.invalid_utf8 && `${stats.invalid_utf8} invalid UTF-8`, stats.overlong_lines && `${stats.overlong_lines} over-long`, stats.bad_records && `${stats.bad_records} bad records`].filter(Boolean);
      ctx.log(`${stats.source}: ${stats.docs} docs, ${(stats.bytes / 1e6).toFixed(2)} MB from ${stats.files} file(s)${bad.length ? `; skipped/flagged: ${bad.join(", ")}` : ""}`);
    }
    progress.flush();
    await out.close();
  } catch (e) {
    await out.abort();
    throw e;
  }
  const report: CollectReport = { docs, bytes, seconds: Math.round(performance.now() - t0) / 1000, sources };
  writeJsonAtomic(join(ctx.outDir, "report.json"), report);
  return report;
}
