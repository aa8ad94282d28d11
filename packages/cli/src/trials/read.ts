// Reading one trial's stage outputs: the train stage's summary.json and metrics.jsonl, the eval stage's report.json,
// the sample stage's sample.txt. Missing files are absent fields (an older or partial output); a file that is there
// but unreadable is a TrialFileError naming the file, the line and what to do.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { ReportCard } from "@lathe/eval";
import type { TrainSummary } from "@lathe/model";

/** summary.json as written by any version of the train stage: every field may be missing in an older one. */
export type SummaryJson = Partial<Omit<TrainSummary, "stopped_by">> & { readonly stopped_by?: string };

/** One line of metrics.jsonl: a training step (loss, lr, ...) or an evaluation (val_loss, val_bpb). */
export interface MetricPoint {
  readonly step: number;
  readonly loss?: number;
  readonly val_loss?: number;
  readonly val_bpb?: number;
  readonly lr?: number;
  readonly tokens?: number;
  readonly [metric: string]: number | undefined;
}

/** A stage output file that exists but cannot be read as its format says. */
export class TrialFileError extends Error {
  override readonly name = "TrialFileError";
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly problem: string,
    readonly hint: string,
  ) {
    super(`${file}${line === undefined ? "" : `:${line}`}: ${problem}. Hint: ${hint}`);
  }
}

const REBUILD = "the cache entry is damaged: delete it with lathe gc (or remove the file) and rebuild the trial";

function readJson<T>(file: string): T | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as T;
  } catch (e) {
    throw new TrialFileError(file, undefined, `not valid JSON (${(e as Error).message})`, REBUILD);
  }
}

/** metrics.jsonl → its points in file order; lines without a numeric step are skipped (other record kinds). */
export function parseMetrics(text: string, file = "metrics.jsonl"): MetricPoint[] {
  const out: MetricPoint[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      throw new TrialFileError(file, i + 1, `not a JSON object: ${JSON.stringify(line.slice(0, 60))}`, REBUILD);
    }
    if (v === null || typeof v !== "object" || typeof (v as { step?: unknown }).step !== "number") return;
    const p: Record<string, number> = {};
    for (const [k, x] of Object.entries(v)) if (typeof x === "number" && Number.isFinite(x)) p[k] = x;
    out.push(p as MetricPoint);
  });
  return out;
}

export interface TrainFiles {
  readonly summary?: SummaryJson;
  readonly history: readonly MetricPoint[];
}

/** A train stage's outDir → its summary and metric history. */
export function readTrainDir(dir: string): TrainFiles {
  const metrics = join(dir, "metrics.jsonl");
  const summary = readJson<SummaryJson>(join(dir, "summary.json"));
  return {
    ...(summary ? { summary } : {}),
    history: existsSync(metrics) ? parseMetrics(readFileSync(metrics, "utf8"), metrics) : [],
  };
}

/** An eval stage's outDir → its report card (one column), if it wrote one. */
export function readEvalDir(dir: string): ReportCard | undefined {
  return readJson<ReportCard>(join(dir, "report.json"));
}

/** A sample stage's outDir → the prompt and its continuation, as sample.txt holds them. */
export function readSampleDir(dir: string): string | undefined {
  const file = join(dir, "sample.txt");
  return existsSync(file) ? readFileSync(file, "utf8") : undefined;
}
