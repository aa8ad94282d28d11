// A rating session end to end on fake terminal streams: keys become lines of the ratings file, system names never
// reach the terminal, bad input is refused up front, and the summary prints as a plain table.
import { afterAll, expect, test } from "bun:test";
import { EventEmitter } from "node:events";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readRatings, summarizeRatings, type Rating } from "@lathe/eval";
import { formatRatingSummary, RateInputError, runRate, type RunRateOptions } from "./rate-run.ts";

const dir = mkdtempSync(join(tmpdir(), "lathe-rate-run-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

class FakeStdin extends EventEmitter {
  isTTY = true;
  private data: string | null = null;
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
  read = () => {
    const d = this.data;
    this.data = null;
    return d;
  };
  write(d: string) {
    this.data = d;
    this.emit("readable");
    this.emit("data", d);
  }
}
class FakeStdout extends EventEmitter {
  isTTY = true;
  columns = 80;
  rows = 40;
  written = "";
  write = (s: string, done?: () => void) => {
    this.written += s;
    done?.(); // Ink waits for an empty write's callback before it resolves waitUntilExit
    return true;
  };
}

const SYSTEMS = ["base_model", "chat_model"] as const;
const ITEMS = [0, 1, 2].map((i) => ({ prompt: `p${i}`, outputs: { base_model: `base ${i}`, chat_model: `chat ${i}` } }));
const AT = new Date("2025-01-02T03:04:05.000Z");

async function session(keys: string[], opts: Partial<RunRateOptions> = {}) {
  const stdin = new FakeStdin();
  const stdout = new FakeStdout();
  const ratingsFile = opts.ratingsFile ?? join(dir, `s${Math.random().toString(36).slice(2)}`, "ratings.jsonl");
  const run = runRate({
    items: ITEMS,
    systems: SYSTEMS,
    ratingsFile,
    seed: 3,
    stdin: stdin as unknown as NodeJS.ReadStream,
    stdout: stdout as unknown as NodeJS.WriteStream,
    now: () => AT,
    ...opts,
  });
  run.catch(() => {}); // it may fail while keys are still being typed; awaited below
  for (const k of keys) {
    await new Promise((r) => setTimeout(r, 10));
    stdin.write(k);
  }
  return { result: await run, stdout: stdout.written, ratingsFile };
}

test("each vote is appended to the ratings file and the session resolves after the last item", async () => {
  const { result, ratingsFile, stdout } = await session(["a", "t", "n"]);
  const ratings = await readRatings(ratingsFile);
  expect(ratings.map((r) => ("winner" in r ? r.winner === "tie" || SYSTEMS.includes(r.winner as never) : false))).toEqual([true, true]);
  expect(ratings.map((r) => r.prompt)).toEqual(["p0", "p1"]);
  expect(result).toEqual({ quit: false, rated: 2, skipped: 1, summary: summarizeRatings(ratings, { order: SYSTEMS }) });
  expect(stdout).toContain("done: 2 rated · 1 skipped of 3");
  expect(stdout).not.toContain("base_model");
  expect(stdout).not.toContain("chat_model");
});

test("quitting keeps what was rated, and a later session appends to the same file", async () => {
  const first = await session(["b", "q"]);
  expect(first.result.quit).toBe(true);
  const second = await session(["t", "q"], { ratingsFile: first.ratingsFile });
  expect(second.result.summary.pairs[0].n).toBe(2);
  expect(readFileSync(first.ratingsFile, "utf8").trim().split("\n").length).toBe(2);
});

test("no items returns at once with the file's summary", async () => {
  const { result } = await session([], { items: [] });
  expect(result).toEqual({ quit: true, rated: 0, skipped: 0, summary: { systems: [], pairs: [], scores: [], notes: [] } });
});

test.each([
  [
    "an item without one system's output",
    { items: [{ prompt: "hello there", outputs: { base_model: "x" } }] },
    'lathe rate: item 1 (prompt "hello there") has no output from "chat_model" (it has: base_model). Hint: generate every prompt with both stages before rating',
  ],
  ["the same system twice", { systems: ["sft", "sft"] as const }, 'lathe rate: cannot compare ["sft","sft"]. Hint: pick two different stages, neither named "tie"'],
])("%s is refused before anything is shown", async (_, opts, message) => {
  const err = await session([], opts as Partial<RunRateOptions>).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(RateInputError);
  expect((err as Error).message).toBe(message);
});

test("a stdin that is not a terminal is refused with a hint", async () => {
  const stdin = new FakeStdin();
  stdin.isTTY = false;
  const err = await session([], { stdin: stdin as unknown as NodeJS.ReadStream }).catch((e: unknown) => e);
  expect((err as Error).message).toBe("lathe rate: stdin is not a terminal. Hint: run lathe rate in an interactive terminal; keys are read one at a time");
});

test("a ratings file that cannot be written ends the session with the write error", async () => {
  const ratingsFile = join(dir, "is-a-dir");
  mkdirSync(ratingsFile);
  const err = await session(["a", "a", "a"], { ratingsFile }).catch((e: unknown) => e);
  expect((err as NodeJS.ErrnoException).code).toBe("EISDIR");
});

const vote = (a: string, b: string, winner: string): Rating => ({ at: AT.toISOString(), prompt: "p", systems: [a, b], outputs: ["x", "y"], winner });
const score = (system: string, f: number, c: number, r: number): Rating => ({
  at: AT.toISOString(),
  prompt: "p",
  system,
  output: "x",
  scores: { fluency: f, coherence: c, relevance: r },
});

test("the summary prints votes per pair, Elo by strength, and mean scores", () => {
  const s = summarizeRatings(
    [
      vote("train", "sft", "sft"),
      vote("sft", "train", "sft"),
      vote("train", "sft", "tie"),
      vote("train", "base", "train"),
      vote("sft", "base", "base"),
      vote("sft", "base", "sft"),
      score("sft", 4, 3, 5),
      score("sft", 5, 4, 4),
      score("train", 2, 2, 3),
    ],
    { order: ["base", "train", "sft"] },
  );
  expect(formatRatingSummary(s)).toBe(
    [
      "votes (win rate counts a tie as half)",
      "  base vs train  0 wins · 1 losses · 0 ties  base win rate 0.000 (n=1)",
      "  base vs sft    1 wins · 1 losses · 0 ties  base win rate 0.500 (n=2)",
      "  train vs sft   0 wins · 2 losses · 1 ties  train win rate 0.167 (n=3)",
      "strength (Bradley–Terry, Elo scale, mean 1000)",
      "  sft    1101  (3.5 of 5 won)",
      "  train   967  (1.5 of 4 won)",
      "  base    932  (1 of 3 won)",
      "scores 1–5 (mean ± stderr)",
      "  system  fluency       coherence     relevance     n",
      "  train   2.00          2.00          3.00          1",
      "  sft     4.50 ± 0.50   3.50 ± 0.50   4.50 ± 0.50   2",
      "",
    ].join("\n"),
  );
});

test("an empty summary says there are no ratings yet", () => {
  expect(formatRatingSummary(summarizeRatings([]))).toBe("no ratings yet\n");
});
