// inspect(outDir): a data stage's report as text — per rule counts, removed bytes, reasons and example removals,
// split sizes (clean); per source counts and flagged input (collect). Used by `lathe inspect <recipe> <stage>`.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ArtifactError } from "../errors.ts";
import type { CleanReport } from "./clean.ts";
import type { CollectReport } from "./collect.ts";

const mb = (b: number) => `${(b / 1e6).toFixed(2)} MB`;
const pct = (a: number, b: number) => (b > 0 ? `${((100 * a) / b).toFixed(1)}%` : "0%");

export function inspect(outDir: string, opts: { samples: number }): string {
  const file = join(outDir, "report.json");
  if (!existsSync(file)) throw new ArtifactError(file, 0, "no report.json here; is this the output of a collect or clean stage");
  const rep = JSON.parse(readFileSync(file, "utf8")) as CleanReport | CollectReport;
  return "rules" in rep ? inspectClean(rep, opts.samples) : inspectCollect(rep);
}

function inspectCollect(r: CollectReport): string {
  const lines = [`collect: ${r.docs} docs, ${mb(r.bytes)} in ${r.seconds}s`];
  for (const s of r.sources) {
    lines.push(`  ${s.source}  ${s.docs} docs  ${mb(s.bytes)}  ${s.files} file(s)`);
    const flags = [["empty files", s.empty_files], ["binary files", s.binary_files], ["invalid UTF-8", s.invalid_utf8], ["over-long lines", s.overlong_lines], ["bad records", s.bad_records]] as const;
    const f = flags.filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`);
    if (f.length) lines.push(`    flagged: ${f.join(", ")}`);
    for (const p of s.problems) lines.push(`    ${p}`);
  }
  return lines.join("\n");
}

function inspectClean(r: CleanReport, samples: number): string {
  const lines = [
    `clean: ${r.docs_in} docs (${mb(r.bytes_in)}) → kept ${r.docs_out} (${pct(r.docs_out, r.docs_in)}), ${mb(r.bytes_out)}; ${r.seconds}s, ${r.mb_per_s} MB/s`,
    "",
    `  ${"rule".padEnd(28)} ${"in".padStart(8)} ${"removed".padStart(8)} ${"bytes".padStart(10)} ${"rewrote".padStart(8)}`,
  ];
  for (const x of r.rules) {
    lines.push(`  ${x.rule.padEnd(28)} ${String(x.docs_in).padStart(8)} ${String(x.docs_removed).padStart(8)} ${mb(x.bytes_removed).padStart(10)} ${String(x.docs_modified).padStart(8)}`);
    const reasons = Object.entries(x.reasons).sort((a, b) => b[1] - a[1]);
    if (reasons.length) lines.push(`      reasons: ${reasons.map(([k, n]) => `${k} ${n}`).join(", ")}`);
    if (x.by_task) lines.push(`      by task: ${Object.entries(x.by_task).map(([t, v]) => `${t} ${v.docs_removed}`).join(", ")}`);
    for (const e of x.examples.slice(0, samples)) {
      lines.push(`      - ${e.id}: ${e.reason}`);
      lines.push(`        ${JSON.stringify(e.excerpt.slice(0, 160))}`);
    }
    for (const e of (x.rewrites ?? []).slice(0, samples)) lines.push(`      ~ ${e.id} (${e.reason}): ${e.excerpt}`);
  }
  lines.push("", "  splits:");
  for (const [k, v] of Object.entries(r.splits)) lines.push(`    ${k.padEnd(6)} ${String(v.docs).padStart(8)} docs  ${mb(v.bytes)}`);
  return lines.join("\n");
}
