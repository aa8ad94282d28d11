// The clean pipeline: build Rule objects from the clean section, run each document through them in order, and
// account per rule for removed/modified documents and bytes, with up to 3 examples per rule and reason counts.
import type { Doc } from "../doc.ts";
import { docText, utf8Bytes } from "../doc.ts";
import type { Clean, CleanRule, SplitRule } from "../params.ts";
import { c4Filter, fineWebFilter } from "./c4-fineweb.ts";
import { decontaminateRule, type NgramSet } from "./decontaminate.ts";
import { exactDedup, minhashDedup } from "./dedup.ts";
import { gopherQuality, gopherRepetition } from "./gopher.ts";
import { languageFilter, loadLanguageDetector } from "./language.ts";
import { normalizeRule } from "./normalize.ts";
import { piiRule } from "./pii.ts";
import { isDrop, type Drop, type Rule } from "./rule.ts";
import { lengthFilter, regexFilter } from "./simple-filters.ts";
import { splitOf, type SplitName } from "./split.ts";

export interface RuleExample {
  readonly id: string;
  readonly reason: string;
  /** The first 300 characters of the document as the rule saw it. */
  readonly excerpt: string;
}

export interface RuleReport {
  /** "3:filter/gopher_quality": list index and rule. */
  readonly rule: string;
  docs_in: number;
  docs_removed: number;
  bytes_removed: number;
  /** Documents kept but rewritten (normalize, pii redact, c4 line removal), and the bytes that removed. */
  docs_modified: number;
  bytes_modified: number;
  /** Removed documents per reason category. */
  reasons: Record<string, number>;
  examples: RuleExample[];
  /** Up to 3 rewritten documents: the first changed region, before → after. */
  rewrites: RuleExample[];
  /** Wall time spent in this rule. */
  ms: number;
  /** decontaminate with tasks: the removals per eval task (every listed task, 0 included), up to 3 examples each. */
  by_task?: Record<string, TaskRemovals>;
}

export interface TaskRemovals {
  docs_removed: number;
  bytes_removed: number;
  examples: RuleExample[];
}

/** Load what the rules of a clean list need before `new Cleaner(clean)` (the language detectors they name). */
export async function prepareClean(clean: Clean): Promise<void> {
  for (const r of clean) if (r.rule === "filter" && r.kind === "language") await loadLanguageDetector(r.method);
}

/** Build the rule for one clean entry. Decontaminate needs its n-gram set, built beforehand from its sets. */
export function buildRule(r: CleanRule, ngramSets: ReadonlyMap<CleanRule, NgramSet>): Rule | null {
  switch (r.rule) {
    case "normalize":
      return normalizeRule(r);
    case "pii":
      return piiRule(r);
    case "dedup":
      return r.method === "exact" ? exactDedup(r) : minhashDedup(r);
    case "decontaminate":
      return decontaminateRule(ngramSets.get(r)!);
    case "split":
      return null;
    case "filter":
      switch (r.kind) {
        case "length": return lengthFilter(r);
        case "gopher_quality": return gopherQuality(r);
        case "gopher_repetition": return gopherRepetition(r);
        case "c4": return c4Filter(r);
        case "fineweb": return fineWebFilter(r);
        case "language": return languageFilter(r);
        case "regex": return regexFilter(r);
      }
  }
}

/** The first region where two texts differ, with 40 characters of context: "…before…" → "…after…". */
export function changedRegion(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  let ea = a.length;
  let eb = b.length;
  while (ea > i && eb > i && a[ea - 1] === b[eb - 1]) {
    ea--;
    eb--;
  }
  const from = Math.max(0, i - 40);
  const cut = (s: string, end: number) => `${from > 0 ? "…" : ""}${s.slice(from, Math.min(end + 40, from + 200))}${end + 40 < s.length ? "…" : ""}`;
  return `${JSON.stringify(cut(a, ea))} → ${JSON.stringify(cut(b, eb))}`;
}

const excerpt = (s: string) => (s.length > 300 ? `${s.slice(0, 300)}…` : s);

export class Cleaner {
  readonly rules: { rule: Rule; report: RuleReport }[] = [];
  readonly split: SplitRule | undefined;
  readonly splits: Record<SplitName, { docs: number; bytes: number }> = { train: { docs: 0, bytes: 0 }, val: { docs: 0, bytes: 0 }, test: { docs: 0, bytes: 0 } };
  docsIn = 0;
  bytesIn = 0;

  constructor(clean: Clean, ngramSets: ReadonlyMap<CleanRule, NgramSet> = new Map()) {
    clean.forEach((r, i) => {
      const rule = buildRule(r, ngramSets);
      if (!rule) return;
      const report: RuleReport = { rule: `${i}:${rule.label}`, docs_in: 0, docs_removed: 0, bytes_removed: 0, docs_modified: 0, bytes_modified: 0, reasons: {}, examples: [], rewrites: [], ms: 0 };
      if (rule.tasks?.length) report.by_task = Object.fromEntries(rule.tasks.map((t) => [t, { docs_removed: 0, bytes_removed: 0, examples: [] }]));
      this.rules.push({ rule, report });
    });
    this.split = clean.find((r): r is SplitRule => r.rule === "split");
  }

  /** Run one document through every rule; the kept document (possibly rewritten) and its split, or null. */
  process(doc: Doc): { doc: Doc; split: SplitName } | null {
    let d = doc;
    this.docsIn++;
    const inBytes = utf8Bytes(docText(d));
    this.bytesIn += inBytes;
    let bytes = inBytes;
    for (const { rule, report } of this.rules) {
      report.docs_in++;
      const t0 = performance.now();
      let verdictDrop: Drop | null = null;
      let next = d;
      if (d.messages && rule.perMessage) {
        const msgs = [];
        for (const m of d.messages) {
          const v = rule.apply(m.content, d.id);
          if (isDrop(v)) {
            verdictDrop = v;
            break;
          }
          msgs.push({ role: m.role, content: v });
        }
        if (!verdictDrop) next = { ...d, messages: msgs };
      } else {
        const text = docText(d);
        const v = rule.apply(text, d.id);
        if (isDrop(v)) verdictDrop = v;
        else if (d.text !== undefined && v !== text) next = { ...d, text: v };
      }
      report.ms += performance.now() - t0;
      if (verdictDrop) {
        report.docs_removed++;
        report.bytes_removed += bytes;
        report.reasons[verdictDrop.drop] = (report.reasons[verdictDrop.drop] ?? 0) + 1;
        const example = { id: d.id, reason: `${verdictDrop.drop}: ${verdictDrop.detail}`, excerpt: excerpt(docText(d)) };
        if (report.examples.length < 3) report.examples.push(example);
        const t = verdictDrop.task === undefined ? undefined : report.by_task?.[verdictDrop.task];
        if (t) {
          t.docs_removed++;
          t.bytes_removed += bytes;
          if (t.examples.length < 3) t.examples.push(example);
        }
        return null;
      }
      if (next !== d) {
        const nb = utf8Bytes(docText(next));
        const before = docText(d);
        const after = docText(next);
        if (nb !== bytes || after !== before) {
          report.docs_modified++;
          if (report.rewrites.length < 3) report.rewrites.push({ id: d.id, reason: `rewritten, ${nb >= bytes ? "+" : ""}${nb - bytes} bytes`, excerpt: changedRegion(before, after) });
          report.bytes_modified += bytes - nb;
          bytes = nb;
        }
        d = next;
      }
    }
    const split = this.split ? splitOf(this.split, this.split.by === "id" ? d.id : docText(d)) : "train";
    this.splits[split].docs++;
    this.splits[split].bytes += bytes;
    return { doc: d, split };
  }

  reports(): RuleReport[] {
    return this.rules.map((r) => ({ ...r.report, ms: Math.round(r.report.ms) }));
  }
}
