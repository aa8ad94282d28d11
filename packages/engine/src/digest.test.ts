// File digests: content-only, streamed in chunks, and skipped for unchanged files through the stat cache.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CHUNK_BYTES, StatCache, hashBytes, hashFile, hashStats } from "./digest.ts";

const dir = mkdtempSync(join(tmpdir(), "lathe-digest-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Set a file's mtime safely in the past, so the stat cache trusts it (see StatCache.RACY_MS). */
function age(path: string, secondsAgo = 60): void {
  const t = new Date(Date.now() - secondsAgo * 1000);
  utimesSync(path, t, t);
}

test("a digest is 128 bits of hex and depends only on content", async () => {
  const a = join(dir, "a.txt");
  const b = join(dir, "b.txt");
  writeFileSync(a, "hello");
  writeFileSync(b, "hello");
  const d = await hashFile(a);
  expect(d).toMatch(/^[0-9a-f]{32}$/);
  expect(await hashFile(b)).toBe(d);
  expect(d).toBe(hashBytes(new TextEncoder().encode("hello")));
  writeFileSync(b, "hellp");
  expect(await hashFile(b)).not.toBe(d);
});

test("files larger than one chunk hash every byte, including the last one", async () => {
  const big = new Uint8Array(2 * CHUNK_BYTES + 3).fill(7); // (2 chunks + 3 bytes)
  const f = join(dir, "big.bin");
  writeFileSync(f, big);
  const d1 = await hashFile(f);
  big[big.length - 1] = 8;
  writeFileSync(f, big);
  expect(await hashFile(f)).not.toBe(d1);
  big[big.length - 1] = 7;
  writeFileSync(f, big);
  expect(await hashFile(f)).toBe(d1);
  writeFileSync(f, big.subarray(0, CHUNK_BYTES)); // exactly one chunk
  expect(await hashFile(f)).toBe(hashBytes(big.subarray(0, CHUNK_BYTES)));
});

test("an unchanged file is not rehashed once the stat cache knows it, also after save and load", async () => {
  const cacheDir = join(dir, "cache1");
  const f = join(dir, "stat.txt");
  writeFileSync(f, "one");
  age(f);
  const cache = StatCache.load(cacheDir);
  const before = hashStats.filesHashed;
  const d = await hashFile(f, { statCache: cache });
  expect(hashStats.filesHashed).toBe(before + 1);
  expect(await hashFile(f, { statCache: cache })).toBe(d);
  cache.save();
  expect(await hashFile(f, { statCache: StatCache.load(cacheDir) })).toBe(d);
  expect(hashStats.filesHashed).toBe(before + 1);
});

test("a content change that keeps size, mtime and inode is not seen (documented limit of stat caching)", async () => {
  const f = join(dir, "same-stat.txt");
  writeFileSync(f, "aaaa");
  age(f);
  const cache = StatCache.memory();
  const d = await hashFile(f, { statCache: cache });
  const { mtime } = statSync(f);
  writeFileSync(f, "bbbb");
  utimesSync(f, mtime, mtime);
  expect(await hashFile(f, { statCache: cache })).toBe(d);
  expect(await hashFile(f)).not.toBe(d); // without the cache the change is seen
});

test("a file modified within the last second before hashing is rehashed next time (racy entry)", async () => {
  const f = join(dir, "racy.txt");
  writeFileSync(f, "x");
  const cache = StatCache.memory();
  await hashFile(f, { statCache: cache });
  const before = hashStats.filesHashed;
  await hashFile(f, { statCache: cache });
  expect(hashStats.filesHashed).toBe(before + 1);
});

test("a changed mtime or size is rehashed", async () => {
  const f = join(dir, "changed.txt");
  writeFileSync(f, "v1");
  age(f, 120);
  const cache = StatCache.memory();
  const d1 = await hashFile(f, { statCache: cache });
  writeFileSync(f, "v22");
  age(f, 60);
  expect(await hashFile(f, { statCache: cache })).not.toBe(d1);
});
