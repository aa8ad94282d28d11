// A fine-tuning stage's records: the built-in WordNet dialogue data (generated here, deterministically, held-out
// words kept apart) or the recipe's JSONL file, read by @lathe/tokenizer's chat reader, which counts every bad row
// per rule (no assistant turn, unknown role, chosen == rejected, longer than the context, ...) and fails only when
// nothing usable is left. `heldout: split` holds out a stable-hash fraction of the file's rows.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { type DialogueTask, wordnetDialogue } from "@lathe/data";
import { type ChatDataReport, type ChatRecord, parseChatLines, type Tokenizer } from "@lathe/tokenizer";
import type { FinetuneStageConfig } from "./config.ts";
import type { DataRef, FinetuneParams } from "./plan.ts";

export type Expect = "sft" | "preference" | "prompts";

export interface StageData {
  readonly train: readonly ChatRecord[];
  readonly heldout: readonly ChatRecord[];
  readonly reports: { readonly train: ChatDataReport; readonly heldout: ChatDataReport };
}

/** What a stage kind trains on. */
export function expected(kind: FinetuneStageConfig["kind"]): Expect {
  return kind === "sft" ? "sft" : kind === "rl" ? "prompts" : "preference";
}

/**
 * The stage's training and held-out records. `context` is the longest rendered record that fits: a whole
 * conversation or pair in one window (T + 1 tokens), or an rl prompt leaving room for max_tokens.
 */
export async function loadStageData(p: FinetuneParams, root: string, tok: Tokenizer, context: number): Promise<StageData> {
  const s = p.stage;
  const expect = expected(s.kind);
  const opts = { expect, tokenizer: tok, context };
  const read = (ref: DataRef, split: "train" | "heldout", limit: number): { records: ChatRecord[]; report: ChatDataReport } => {
    if ("builtin" in ref) {
      const task: DialogueTask = ref.task ?? (s.kind === "sft" ? "sft" : s.kind === "rl" ? "rl" : "dpo");
      const items = wordnetDialogue({ task, split, limit, seed: p.seed });
      return parseChatLines(items.map((i: unknown) => JSON.stringify(i)), `wordnet:${task}/${split}`, opts);
    }
    const file = resolve(root, ref.file);
    return parseChatLines(readFileSync(file, "utf8").split("\n"), ref.file, opts);
  };
  const train = read(p.data, "train", s.limit);
  if ("split" in p.heldout) {
    const keep = (r: ChatRecord) => heldOutRow(r, p.heldout as { split: number });
    const held = train.records.filter(keep);
    return {
      train: train.records.filter((r) => !keep(r)).slice(0, s.limit),
      heldout: held.slice(0, s.heldout_limit),
      reports: { train: train.report, heldout: { read: held.length, kept: held.length, dropped: {} } as ChatDataReport },
    };
  }
  const heldout = read(p.heldout, "heldout", s.heldout_limit);
  return { train: train.records.slice(0, s.limit), heldout: heldout.records.slice(0, s.heldout_limit), reports: { train: train.report, heldout: heldout.report } };
}

/** A row is held out when the sha256 of its JSON falls in the lowest `split` fraction: stable across runs and machines. */
function heldOutRow(r: ChatRecord, h: { split: number }): boolean {
  const d = createHash("sha256").update(JSON.stringify(r)).digest();
  return d.readUInt32BE(0) < h.split * 2 ** 32;
}

/** A seeded permutation of 0..n-1 for an epoch (mulberry32 Fisher-Yates): the same on every machine. */
export function epochOrder(n: number, seed: number, epoch: number): number[] {
  let a = (Math.imul(seed, 0x9e3779b1) ^ Math.imul(epoch + 1, 0x85ebca6b)) >>> 0;
  const rnd = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/** Items of an endless, reshuffled-every-epoch stream, with a position that checkpoints resume from. */
export class EpochStream<T> {
  epoch = 0;
  cursor = 0;
  private order: number[];
  constructor(
    private readonly items: readonly T[],
    private readonly seed: number,
  ) {
    this.order = epochOrder(items.length, seed, 0);
  }
  next(): T {
    if (this.cursor >= this.order.length) {
      this.epoch++;
      this.cursor = 0;
      this.order = epochOrder(this.items.length, this.seed, this.epoch);
    }
    return this.items[this.order[this.cursor++]!]!;
  }
  take(n: number): T[] {
    return Array.from({ length: n }, () => this.next());
  }
  restore(epoch: number, cursor: number): void {
    this.epoch = epoch;
    this.cursor = cursor;
    this.order = epochOrder(this.items.length, this.seed, epoch);
  }
}
