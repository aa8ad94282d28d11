// The plain renderer turns a scripted build into exact log lines, throttling progress per stage.
import { expect, test } from "bun:test";
import { createPlainRenderer } from "./plain.ts";
import { SCRIPT } from "./scripted-events.ts";

function replay(progressEveryMs: number): string[] {
  const lines: string[] = [];
  let clock = 0;
  const r = createPlainRenderer({ write: (l) => lines.push(l), now: () => clock, progressEveryMs });
  for (const [at, e] of SCRIPT) {
    clock = at;
    r.onEvent(e);
  }
  return lines;
}

test("a scripted build prints one line per state change, replayed logs marked, rate and ETA, and the verdict", () => {
  expect(replay(5000)).toEqual([
    "build: 4 stages",
    "cached   collect",
    "collect (cached) | read 3 files",
    "start    clean (param clean.min_chars 10 → 20)",
    "clean | rule min_chars: removed 2 docs",
    // 800 docs in the 6 s between the first and the last sample; 100 left at 133.3/s.
    "         clean 900/1000 docs 90% · 133.3 docs/s · ETA 750ms",
    "done     clean 7.5s",
    "start    train (upstream clean changed)",
    "         train 50/100 steps 50% · 10 steps/s · ETA 5.0s · loss 3.25",
    "FAILED   train: out of memory at step 51",
    "skipped  sample: upstream train failed",
    "build FAILED: 4 stages (1 cached, 1 done, 1 failed, 1 skipped) in 14.0s",
  ]);
});

test.each([
  [0, 8],
  [2000, 4],
  [5000, 2],
  [60_000, 0],
])("with progress lines at most every %d ms, the script prints %d of them", (every, count) => {
  expect(replay(every).filter((l) => l.startsWith("         ")).length).toBe(count);
});

test("with a label, the first line names what is being built", () => {
  const lines: string[] = [];
  const r = createPlainRenderer({ write: (l) => lines.push(l), label: "recipes/tiny.yaml" });
  r.onEvent(SCRIPT[0][1]);
  expect(lines).toEqual(["build recipes/tiny.yaml: 4 stages"]);
});
