// Engine benchmark: `bun run bench engine` (wrap in `flock /tmp/lathe-bench.lock`). Prints one JSON object:
//  - fully cached build wall time of a 12-stage graph and of a 100-trial sweep (600 stage defs, 204 unique keys),
//    in-process (median of 5) and in a fresh `bun` process (what a CLI invocation pays, minus CLI code);
//  - file hashing throughput on a 1 GiB file in /tmp: cold (no stat cache) and warm (stat cache hit).
// Options: --no-hash skips the 1 GiB file.

import { mkdtempSync, rmSync, openSync, writeSync, closeSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "../src/build.ts";
import { hashFile, StatCache } from "../src/digest.ts";
import type { StageDef } from "../src/types.ts";
import { sweep, twelveStages, writeData } from "./graphs.ts";

const work = mkdtempSync(join(tmpdir(), "lathe-bench-engine-"));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

async function cachedBuild(name: "twelve" | "sweep", graph: (files: string[]) => StageDef[]) {
  const cacheDir = join(work, `cache-${name}`);
  const dataDir = join(work, `data-${name}`);
  const files = writeData(dataDir);
  // Age the data files so the stat cache trusts them (files modified in the last second are rehashed, see digest.ts).
  const old = new Date(Date.now() - 60_000);
  for (const f of files) utimesSync(f, old, old);
  const g = graph(files);
  const t0 = performance.now();
  const first = await build(g, { cacheDir, root: dataDir });
  const firstMs = performance.now() - t0;
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    const s = await build(g, { cacheDir, root: dataDir });
    times.push(performance.now() - t);
    if (!s.stages.every((x) => x.status === "cached")) throw new Error(`${name}: second build was not fully cached`);
  }
  const procTimes: number[] = [];
  const childMs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    const p = Bun.spawnSync(["bun", join(import.meta.dir, "engine-child.ts"), cacheDir, dataDir, name]);
    procTimes.push(performance.now() - t);
    if (p.exitCode !== 0) throw new Error(`child failed: ${p.stderr.toString()}`);
    childMs.push((JSON.parse(p.stdout.toString()) as { buildMs: number }).buildMs);
  }
  return {
    stageDefs: g.length,
    uniqueKeys: new Set(first.stages.map((s) => s.key)).size,
    firstBuildMs: round(firstMs),
    cachedBuildMs: round(median(times)),
    cachedBuildMsAll: times.map((x) => round(x)),
    freshProcessBuildMs: round(median(childMs)),
    freshProcessWallMs: round(median(procTimes)),
  };
}

async function hashing() {
  const file = join(work, "1g.bin");
  const chunk = new Uint8Array(8 << 20); // (8 MiB) varied bytes, rewritten per chunk so no two chunks are equal
  for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 2654435761) >>> 24;
  const fd = openSync(file, "w");
  for (let i = 0; i < 128; i++) {
    chunk[0] = i;
    writeSync(fd, chunk);
  }
  closeSync(fd);
  const old = new Date(Date.now() - 60_000);
  utimesSync(file, old, old);
  const bytes = 128 * chunk.length;
  const cache = StatCache.memory();
  const t0 = performance.now();
  const d1 = await hashFile(file, { statCache: cache });
  const coldMs = performance.now() - t0;
  const t1 = performance.now();
  const d2 = await hashFile(file, { statCache: cache });
  const warmMs = performance.now() - t1;
  if (d1 !== d2) throw new Error("warm digest differs");
  rmSync(file);
  return { bytes, coldMs: round(coldMs), coldGBps: round(bytes / 1e9 / (coldMs / 1000), 2), warmMs: round(warmMs, 3), note: "cold = no stat cache, file in the page cache (just written); warm = stat cache hit" };
}

try {
  const twelve = await cachedBuild("twelve", twelveStages);
  const sweepResult = await cachedBuild("sweep", sweep);
  const hash = process.argv.includes("--no-hash") ? null : await hashing();
  console.log(
    JSON.stringify({
      bench: "engine",
      twelve: { ...twelve, targetMs: 150 },
      sweep100: { ...sweepResult, targetMs: 1000 },
      hash1GiB: hash && { ...hash, targetGBps: 1 },
    }),
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
