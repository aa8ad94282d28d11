// The artifact format: packing is deterministic, unpacking restores the same tree, and every kind of damage is rejected
// with a message naming it. No server needed.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "../build.ts";
import { hashBytes } from "../digest.ts";
import { walkTree } from "../fs-util.ts";
import { Store } from "../store.ts";
import { stage } from "../test-fixtures.ts";
import type { StageContext } from "../types.ts";
import { ARTIFACT_MAGIC, packArtifact, unpackArtifact } from "./artifact.ts";

const root = mkdtempSync(join(tmpdir(), "lathe-artifact-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const store = new Store(join(root, "cache"));
let key = "";
let packed = "";

/** 1.5 MiB of varied bytes: more than one copy buffer. */
const big = Uint8Array.from({ length: 3 << 19 }, (_, i) => (i * 31 + (i >> 9)) & 255);

async function treeRun(ctx: StageContext): Promise<void> {
  mkdirSync(join(ctx.outDir, "sub", "deep"), { recursive: true });
  mkdirSync(join(ctx.outDir, "empty"));
  writeFileSync(join(ctx.outDir, "a.txt"), "alpha");
  writeFileSync(join(ctx.outDir, "sub", "deep", "b.bin"), big);
  ctx.log("wrote the tree");
  ctx.metric("files", 2);
}

beforeAll(async () => {
  const summary = await build([stage("tree", { run: treeRun })], { cacheDir: store.dir, root });
  key = summary.stages[0]!.key;
  packed = join(root, "tree.artifact");
  await packArtifact(store, key, packed);
});

function fresh(name: string): string {
  const dir = join(root, name, "out");
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** An artifact file from a header (an object, or raw text) and a body, as a damaged or hostile server could hand out. */
function craft(name: string, header: unknown, body: Uint8Array, magic = ARTIFACT_MAGIC): string {
  const json = new TextEncoder().encode(typeof header === "string" ? header : JSON.stringify(header));
  const prefix = new Uint8Array(16);
  prefix.set(new TextEncoder().encode(magic));
  new DataView(prefix.buffer).setBigUint64(8, BigInt(json.length), true);
  const file = join(root, name);
  writeFileSync(file, Buffer.concat([prefix, json, body]));
  return file;
}

const baseHeader = () => ({ format: 1, key, kind: "k", version: "1", outputs: [{ path: "x.txt", digest: hashBytes(new TextEncoder().encode("xy")), size: 2 }], emptyDirs: [], durationMs: 1, logs: [], logsDropped: 0, metrics: [] });

test("an entry packs to the same bytes every time and unpacks to the same tree, empty dirs included", async () => {
  const again = join(root, "again.artifact");
  const { bytes } = await packArtifact(store, key, again);
  expect(bytes).toBe(statSync(packed).size);
  expect(readFileSync(again).equals(readFileSync(packed))).toBe(true);
  const out = fresh("roundtrip");
  const header = await unpackArtifact(packed, key, out);
  expect(walkTree(out)).toEqual({ files: ["a.txt", "sub/deep/b.bin"], emptyDirs: ["empty"] });
  expect(readFileSync(join(out, "a.txt"), "utf8")).toBe("alpha");
  expect(readFileSync(join(out, "sub", "deep", "b.bin")).equals(Buffer.from(big))).toBe(true);
  expect(header.logs).toEqual(["wrote the tree"]);
  expect(header.metrics).toEqual([{ name: "files", value: 2 }]);
});

test("a flipped byte in a file is rejected naming the file and both digests", async () => {
  const bytes = readFileSync(packed);
  bytes[bytes.length - 1]! ^= 0xff;
  const file = join(root, "flipped.artifact");
  writeFileSync(file, bytes);
  const m = new Store(store.dir).readManifest(key)!;
  const want = m.outputs.find((o) => o.path === "sub/deep/b.bin")!.digest;
  const got = hashBytes(new Uint8Array(bytes.subarray(bytes.length - big.length)));
  await expect(unpackArtifact(file, key, fresh("flipped"))).rejects.toThrow(
    `artifact ${key.slice(0, 12)}… rejected: file "sub/deep/b.bin" has digest ${got}, its manifest records ${want}. Hint: the remote copy is damaged; the stage runs locally and its upload replaces it.`,
  );
});

test("a truncated artifact is rejected before anything is written", async () => {
  const bytes = readFileSync(packed);
  const file = join(root, "short.artifact");
  writeFileSync(file, bytes.subarray(0, bytes.length - 10));
  const out = fresh("short");
  await expect(unpackArtifact(file, key, out)).rejects.toThrow(`it has ${bytes.length - 10} bytes, its header accounts for ${bytes.length}`);
  expect(walkTree(out).files).toEqual([]);
});

test.each([
  ["another format's magic", () => craft("magic.artifact", baseHeader(), new TextEncoder().encode("xy"), "NOTOURS1"), `starts with "NOTOURS1", not "LATHEAR1"`],
  ["another key", () => craft("key.artifact", { ...baseHeader(), key: "f".repeat(64) }, new TextEncoder().encode("xy")), "its header names key ffffffffffff…, not the requested one"],
  ["a path leaving the outDir", () => craft("evil.artifact", { ...baseHeader(), outputs: [{ ...baseHeader().outputs[0]!, path: "../evil" }] }, new TextEncoder().encode("xy")), `its header has the path "../evil", which is not a plain relative path`],
  ["an absolute path", () => craft("abs.artifact", { ...baseHeader(), outputs: [{ ...baseHeader().outputs[0]!, path: "/etc/x" }] }, new TextEncoder().encode("xy")), `its header has the path "/etc/x", which is not a plain relative path`],
  ["a header that is not JSON", () => craft("json.artifact", "{nope", new TextEncoder().encode("xy")), "its header is not JSON"],
])("an artifact with %s is rejected", async (label, make, problem) => {
  await expect(unpackArtifact(make(), key, fresh(label.replace(/\W+/g, "-")))).rejects.toThrow(problem);
});

test("a well-formed crafted artifact unpacks: the format needs nothing but what the header documents", async () => {
  const out = fresh("crafted");
  await unpackArtifact(craft("ok.artifact", baseHeader(), new TextEncoder().encode("xy")), key, out);
  expect(readFileSync(join(out, "x.txt"), "utf8")).toBe("xy");
});
