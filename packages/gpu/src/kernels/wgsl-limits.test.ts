// Every WGSL kernel stays within WebGPU's default per-stage limits, so it runs on any adapter (8 storage buffers,
// 256 invocations per workgroup, 16 KiB workgroup storage is not checked here: all shared arrays are <= 2 KiB).
import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const files = readdirSync(import.meta.dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".wgsl"));

test.each(files)("%s binds at most 8 storage buffers and 256 invocations per workgroup", (f) => {
  const src = readFileSync(join(import.meta.dir, f), "utf8");
  expect((src.match(/var<storage/g) ?? []).length).toBeLessThanOrEqual(8);
  for (const m of src.matchAll(/@workgroup_size\(([^)]*)\)/g)) {
    const dims = m[1].split(",").map((s) => Number(s.trim()));
    if (dims.every(Number.isFinite)) expect(dims.reduce((a, b) => a * b, 1)).toBeLessThanOrEqual(256);
  }
});
