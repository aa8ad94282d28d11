// metrics.jsonl: one JSON object per line — training lines {step, loss, lr, grad_norm, tokens, tokens_per_s,
// elapsed_s} and evaluation lines {step, val_loss, val_bpb}. Appended as training goes; trimmed on resume.
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { writeFileAtomic } from "../io/atomic.ts";

export interface MetricLine {
  readonly step: number;
  readonly [k: string]: number;
}

export class MetricsLog {
  constructor(readonly file: string) {}
  append(line: MetricLine): void {
    appendFileSync(this.file, `${JSON.stringify(line)}\n`);
  }
  read(): MetricLine[] {
    if (!existsSync(this.file)) return [];
    return readFileSync(this.file, "utf8")
      .split("\n")
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as MetricLine);
  }
  /** Drop lines after `step` (work a resumed run will redo). */
  truncateAfter(step: number): void {
    const keep = this.read().filter((l) => l.step <= step);
    writeFileAtomic(this.file, keep.map((l) => `${JSON.stringify(l)}\n`).join(""));
  }
}
