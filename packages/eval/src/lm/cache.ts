// A cache of window scores keyed by (model digest, window token ids, from): in memory while running and, with a
// directory, one append-only JSONL file per digest (<dir>/<digest>.jsonl) so a re-run or a second task scores only
// what is new. An interrupted append leaves at most one torn last line; loading skips it and starts a fresh line.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import type { ScoreWindow, WindowScore } from "@lathe/model";

/** A cache that cannot be opened: the file it would use, what is wrong, and a hint. */
export class ScoreCacheError extends Error {
  override readonly name = "ScoreCacheError";
  constructor(
    readonly file: string,
    readonly problem: string,
    readonly hint: string,
  ) {
    super(`${file}: ${problem}. Hint: ${hint}`);
  }
}

interface Line {
  readonly k: string; // key of (tokens, from)
  readonly l: number[]; // logprobs
  readonly g: string; // greedy flags as "0"/"1"
}

/** The key of a window within one model: sha256 over `from` and the ids (hex, 32 chars). */
export function windowKey(w: ScoreWindow): string {
  const ids = Uint32Array.from(w.tokens);
  return createHash("sha256").update(`${w.from}:`).update(new Uint8Array(ids.buffer)).digest("hex").slice(0, 32);
}

export class ScoreCache {
  /** Lookups answered from the cache, and lookups that were not. */
  hits = 0;
  misses = 0;
  /** Lines of the file that could not be read (a torn last line after an interrupted run). */
  readonly skipped: number = 0;
  private readonly map = new Map<string, WindowScore>();
  private readonly file: string | null;
  private needsNewline = false;

  /** @param dir where <digest>.jsonl lives; undefined = memory only. */
  constructor(
    readonly digest: string,
    dir?: string,
  ) {
    if (!/^[0-9A-Za-z_.-]+$/.test(digest)) throw new ScoreCacheError(dir ?? "<memory>", `model digest ${JSON.stringify(digest)} is not a file name`, "use the scorer's sha256 hex digest");
    this.file = dir === undefined ? null : join(dir, `${digest}.jsonl`);
    if (dir !== undefined) mkdirSync(dir, { recursive: true });
    if (this.file && existsSync(this.file)) this.skipped = this.load(this.file);
  }

  /** Number of windows held. */
  get size(): number {
    return this.map.size;
  }

  get(w: ScoreWindow, key = windowKey(w)): WindowScore | undefined {
    const s = this.map.get(key);
    if (s && s.logprobs.length === w.tokens.length - w.from) {
      this.hits++;
      return s;
    }
    this.misses++;
    return undefined;
  }

  /** Stores scores (in memory, and appended to the file in one write). */
  putAll(entries: readonly { readonly key: string; readonly score: WindowScore }[]): void {
    if (entries.length === 0) return;
    const lines: string[] = [];
    for (const { key, score } of entries) {
      this.map.set(key, score);
      if (!score.logprobs.every(Number.isFinite)) continue; // JSON has no -Infinity/NaN: kept in memory only
      const line: Line = { k: key, l: Array.from(score.logprobs), g: score.greedy.map((b) => (b ? "1" : "0")).join("") };
      lines.push(JSON.stringify(line));
    }
    if (!this.file || lines.length === 0) return;
    appendFileSync(this.file, (this.needsNewline ? "\n" : "") + lines.join("\n") + "\n");
    this.needsNewline = false;
  }

  private load(file: string): number {
    const text = readFileSync(file, "utf8");
    this.needsNewline = text.length > 0 && !text.endsWith("\n");
    let bad = 0;
    for (const raw of text.split("\n")) {
      if (raw === "") continue;
      let line: Line;
      try {
        line = JSON.parse(raw) as Line;
      } catch {
        bad++;
        continue;
      }
      if (typeof line.k !== "string" || !Array.isArray(line.l) || typeof line.g !== "string" || line.g.length !== line.l.length) {
        bad++;
        continue;
      }
      this.map.set(line.k, { logprobs: Float64Array.from(line.l), greedy: Array.from(line.g, (c) => c === "1") });
    }
    return bad;
  }
}
