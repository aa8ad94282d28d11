// Scores many windows the way the harness's Collator orders requests: identical windows once, longest first (ties by
// token ids), cached windows answered without the model, the rest sent to scorer.score in batches; input order out.
import type { ScoreWindow, TokenScorer, WindowScore } from "@lathe/model";
import { type ScoreCache, windowKey } from "./cache.ts";
import { ScorerContractError } from "./errors.ts";

export interface ScoreWindowsOptions {
  /** Windows per scorer.score call. */
  readonly batchSize: number;
  /** Called after each batch with windows resolved so far (cache hits included) and the unique total. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** The harness's sort: longer first, then the ids as a tuple (so equal-length windows sharing a prefix are adjacent). */
export function collatorOrder(a: ScoreWindow, b: ScoreWindow): number {
  if (a.tokens.length !== b.tokens.length) return b.tokens.length - a.tokens.length;
  for (let i = 0; i < a.tokens.length; i++) if (a.tokens[i] !== b.tokens[i]) return a.tokens[i] - b.tokens[i];
  return a.from - b.from;
}

export async function scoreWindows(scorer: TokenScorer, cache: ScoreCache, windows: readonly ScoreWindow[], o: ScoreWindowsOptions): Promise<WindowScore[]> {
  const keys = windows.map((w) => windowKey(w));
  const unique = new Map<string, ScoreWindow>();
  keys.forEach((k, i) => unique.has(k) || unique.set(k, windows[i]));
  const found = new Map<string, WindowScore>();
  const todo: { key: string; w: ScoreWindow }[] = [];
  for (const [key, w] of unique) {
    const hit = cache.get(w, key);
    if (hit) found.set(key, hit);
    else todo.push({ key, w });
  }
  todo.sort((a, b) => collatorOrder(a.w, b.w));
  const total = unique.size;
  const size = Math.max(1, Math.floor(o.batchSize));
  for (let i = 0; i < todo.length; i += size) {
    const batch = todo.slice(i, i + size);
    const scores = await scorer.score(batch.map((t) => t.w));
    if (scores.length !== batch.length) throw new ScorerContractError(scorer.backend, `${batch.length} windows gave ${scores.length} results`);
    const entries = batch.map((t, j) => {
      const n = t.w.tokens.length - t.w.from;
      if (scores[j].logprobs.length !== n) throw new ScorerContractError(scorer.backend, `window ${i + j} (from ${t.w.from} of ${t.w.tokens.length}) gave ${scores[j].logprobs.length} logprobs, expected ${n}`);
      return { key: t.key, score: scores[j] };
    });
    for (const e of entries) found.set(e.key, e.score);
    cache.putAll(entries);
    o.onProgress?.(found.size, total);
  }
  if (todo.length === 0) o.onProgress?.(total, total);
  return keys.map((k) => found.get(k)!);
}
