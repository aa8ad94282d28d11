// The score cache: a repeated request costs no scorer call (in memory and across processes via its directory), a
// different model digest misses, and a torn last line from an interrupted run is skipped without losing the rest.
import { beforeAll, describe, expect, test } from "bun:test";
import { appendFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TokenScorer } from "@lathe/model";
import { byteTokenizer } from "@lathe/tokenizer";
import { ScoreCache, ScoreCacheError, windowKey } from "./cache.ts";
import { LatheLM } from "./lathe-lm.ts";
import { countingScorer, cpuScorer, tinyModel } from "./test-model.ts";

const tok = byteTokenizer(["<|endoftext|>"]);
const reqs = [
  { context: "The quick brown", continuation: " fox" },
  { context: "Pack my box", continuation: " with five" },
];
let trainDir = "";
beforeAll(async () => {
  trainDir = (await tinyModel()).trainDir;
});
const withDigest = (s: TokenScorer, digest: string): TokenScorer => Object.assign(Object.create(s) as TokenScorer, { digest });

describe("a LatheLM's score cache", () => {
  test("answers a second identical call with zero scorer calls", async () => {
    const scorer = countingScorer(await cpuScorer(trainDir));
    const lm = new LatheLM(scorer, tok);
    const first = await lm.loglikelihood(reqs);
    expect(scorer.calls).toEqual([2]);
    expect(await lm.loglikelihood(reqs)).toEqual(first);
    expect(scorer.calls).toEqual([2]);
    expect([lm.cache.hits, lm.cache.misses]).toEqual([2, 2]);
  });

  test("persists under cacheDir so a new process scores only what is new", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lathe-score-cache-"));
    const a = countingScorer(await cpuScorer(trainDir));
    const first = await new LatheLM(a, tok, { cacheDir: dir }).loglikelihood(reqs);
    const b = countingScorer(await cpuScorer(trainDir));
    const lm = new LatheLM(b, tok, { cacheDir: dir });
    const again = await lm.loglikelihood([...reqs, { context: "new", continuation: " one" }]);
    expect(again.slice(0, 2)).toEqual(first); // exact: logprobs round-trip through JSON
    expect(b.calls).toEqual([1]);
    expect([lm.cache.hits, lm.cache.misses]).toEqual([2, 1]);
  });

  test("misses when the model digest changes", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lathe-score-cache-"));
    await new LatheLM(await cpuScorer(trainDir), tok, { cacheDir: dir }).loglikelihood(reqs);
    const other = countingScorer(withDigest(await cpuScorer(trainDir), "f".repeat(64)));
    const lm = new LatheLM(other, tok, { cacheDir: dir });
    await lm.loglikelihood(reqs);
    expect(other.calls).toEqual([2]);
    expect([lm.cache.hits, lm.cache.misses]).toEqual([0, 2]);
  });
});

describe("ScoreCache", () => {
  const w = (from: number, ...tokens: number[]) => ({ tokens, from });
  const score = (...l: number[]) => ({ logprobs: Float64Array.from(l), greedy: l.map((x) => x > -1) });

  test("keys a window by its ids and where scoring starts", () => {
    expect(windowKey(w(1, 1, 2, 3))).toBe(windowKey(w(1, 1, 2, 3)));
    expect(windowKey(w(1, 1, 2, 3))).not.toBe(windowKey(w(2, 1, 2, 3)));
    expect(windowKey(w(1, 1, 2, 3))).not.toBe(windowKey(w(1, 1, 2, 4)));
    expect(windowKey(w(1, 1, 258))).not.toBe(windowKey(w(1, 1, 2, 1))); // ids are not byte-concatenated
  });

  test("skips a torn last line from an interrupted run and keeps appending whole lines", () => {
    const dir = mkdtempSync(join(tmpdir(), "lathe-score-cache-"));
    const c1 = new ScoreCache("abc", dir);
    c1.putAll([{ key: windowKey(w(1, 5, 6)), score: score(-0.5) }, { key: windowKey(w(1, 7, 8, 9)), score: score(-1.25, -2) }]);
    appendFileSync(join(dir, "abc.jsonl"), '{"k":"dead","l":[-0.'); // killed mid-write
    const c2 = new ScoreCache("abc", dir);
    expect(c2.skipped).toBe(1);
    expect(c2.size).toBe(2);
    expect(c2.get(w(1, 7, 8, 9))).toEqual(score(-1.25, -2));
    c2.putAll([{ key: windowKey(w(2, 7, 8, 9)), score: score(-3) }]);
    const c3 = new ScoreCache("abc", dir);
    expect([c3.size, c3.skipped]).toEqual([3, 1]);
    expect(readFileSync(join(dir, "abc.jsonl"), "utf8").endsWith("\n")).toBe(true);
  });

  test("keeps a non-finite score in memory only (JSON cannot hold -Infinity)", () => {
    const dir = mkdtempSync(join(tmpdir(), "lathe-score-cache-"));
    const c = new ScoreCache("abc", dir);
    c.putAll([{ key: windowKey(w(1, 1, 2)), score: score(-Infinity) }]);
    expect(c.get(w(1, 1, 2))?.logprobs[0]).toBe(-Infinity);
    expect(new ScoreCache("abc", dir).size).toBe(0);
  });

  test("refuses a digest that is not a file name", () => {
    expect(() => new ScoreCache("../x", "/tmp/c")).toThrow(ScoreCacheError);
    expect(() => new ScoreCache("../x", "/tmp/c")).toThrow('/tmp/c: model digest "../x" is not a file name. Hint: use the scorer\'s sha256 hex digest');
  });
});
