// The artifact: one store entry as one file, the unit of a remote upload and download. Layout (format 1):
//   bytes 0..7    magic "LATHEAR1"
//   bytes 8..15   H, the header's length in bytes (uint64, little-endian)
//   next H bytes  header, UTF-8 JSON: { format, key, kind, version, outputs: [{ path, digest, size }], emptyDirs,
//                 durationMs, logs, logsDropped, metrics } (the entry's manifest, minus the local key record)
//   the rest      every output's bytes, back to back in header order (sorted by path), no padding
// The same entry always packs to the same bytes. Unpacking checks the magic, the key, every path, the total length,
// and every file's size and content digest before the caller publishes anything.

import { mkdirSync } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { dirname, join } from "node:path";
import { hashFile } from "../digest.ts";
import type { Manifest, OutputFile, Store } from "../store.ts";
import { ArtifactError } from "./errors.ts";

export const ARTIFACT_MAGIC = "LATHEAR1";
export const ARTIFACT_FORMAT = 1;
/** A header beyond this is not ours (logs and metrics are capped well below it). */
const MAX_HEADER_BYTES = 512 << 20;
const COPY_BYTES = 1 << 20;

export interface ArtifactHeader {
  readonly format: number;
  readonly key: string;
  readonly kind: string;
  readonly version: string;
  readonly outputs: readonly OutputFile[];
  readonly emptyDirs: readonly string[];
  readonly durationMs: number;
  readonly logs: readonly string[];
  readonly logsDropped: number;
  readonly metrics: Manifest["metrics"];
}

/** Write the artifact of a published entry to `dest`; returns its header and its size in bytes. */
export async function packArtifact(store: Store, key: string, dest: string): Promise<{ header: ArtifactHeader; bytes: number }> {
  const m = store.readManifest(key);
  if (!m) throw new Error(`no stage entry ${key} in ${store.dir}`);
  const header: ArtifactHeader = {
    format: ARTIFACT_FORMAT,
    key,
    kind: m.record.kind,
    version: m.record.version,
    outputs: m.outputs.map((o) => ({ path: o.path, digest: o.digest, size: o.size })),
    emptyDirs: m.emptyDirs,
    durationMs: m.durationMs,
    logs: m.logs,
    logsDropped: m.logsDropped,
    metrics: m.metrics,
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const prefix = new Uint8Array(16);
  prefix.set(new TextEncoder().encode(ARTIFACT_MAGIC));
  new DataView(prefix.buffer).setBigUint64(8, BigInt(json.length), true);
  const out = await open(dest, "w");
  const buf = new Uint8Array(COPY_BYTES);
  try {
    await out.write(prefix);
    await out.write(json);
    let pos = prefix.length + json.length;
    for (const o of header.outputs) {
      const src = await open(join(store.outDir(key), o.path), "r");
      try {
        const n = await copyBytes(src, 0, o.size, out, pos, buf);
        if (n !== o.size) throw new Error(`${o.path} in entry ${key} has ${n} bytes, its manifest says ${o.size}`);
      } finally {
        await src.close();
      }
      pos += o.size;
    }
    return { header, bytes: pos };
  } finally {
    await out.close();
  }
}

/** Check the artifact in `file` and write its outputs under `outDir` (which exists and is empty). Throws ArtifactError. */
export async function unpackArtifact(file: string, key: string, outDir: string): Promise<ArtifactHeader> {
  const fh = await open(file, "r");
  try {
    const total = (await fh.stat()).size;
    const prefix = new Uint8Array(16);
    if ((await fh.read(prefix, 0, 16, 0)).bytesRead < 16) throw new ArtifactError(key, `only ${total} bytes, shorter than the 16-byte prefix`);
    const magic = new TextDecoder().decode(prefix.subarray(0, 8));
    if (magic !== ARTIFACT_MAGIC) throw new ArtifactError(key, `starts with ${JSON.stringify(magic)}, not ${JSON.stringify(ARTIFACT_MAGIC)}`);
    const headerBytes = Number(new DataView(prefix.buffer).getBigUint64(8, true));
    if (headerBytes > MAX_HEADER_BYTES || 16 + headerBytes > total) throw new ArtifactError(key, `header length ${headerBytes} does not fit in ${total} bytes`);
    const raw = new Uint8Array(headerBytes);
    await fh.read(raw, 0, headerBytes, 16);
    let header: ArtifactHeader;
    try {
      header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(raw)) as ArtifactHeader;
    } catch (e) {
      throw new ArtifactError(key, "its header is not JSON", { cause: e });
    }
    checkHeader(header, key);
    const expected = 16 + headerBytes + header.outputs.reduce((n, o) => n + o.size, 0);
    if (expected !== total) throw new ArtifactError(key, `it has ${total} bytes, its header accounts for ${expected}`);

    const buf = new Uint8Array(COPY_BYTES);
    let pos = 16 + headerBytes;
    for (const o of header.outputs) {
      const dest = join(outDir, o.path);
      try {
        mkdirSync(dirname(dest), { recursive: true });
        const out = await open(dest, "wx");
        try {
          await copyBytes(fh, pos, o.size, out, 0, buf);
        } finally {
          await out.close();
        }
      } catch (e) {
        throw new ArtifactError(key, `file ${JSON.stringify(o.path)} cannot be written (${(e as { code?: string }).code ?? e})`, { cause: e });
      }
      pos += o.size;
      const digest = await hashFile(dest);
      if (digest !== o.digest) throw new ArtifactError(key, `file ${JSON.stringify(o.path)} has digest ${digest}, its manifest records ${o.digest}`);
    }
    for (const d of header.emptyDirs) {
      try {
        mkdirSync(join(outDir, d), { recursive: true });
      } catch (e) {
        throw new ArtifactError(key, `directory ${JSON.stringify(d)} cannot be made (${(e as { code?: string }).code ?? e})`, { cause: e });
      }
    }
    return header;
  } finally {
    await fh.close();
  }
}

function checkHeader(h: ArtifactHeader, key: string): void {
  const bad = (what: string): never => {
    throw new ArtifactError(key, `its header ${what}`);
  };
  if (typeof h !== "object" || h === null) bad("is not an object");
  if (h.format !== ARTIFACT_FORMAT) bad(`has format ${JSON.stringify(h.format)}, this engine reads ${ARTIFACT_FORMAT}`);
  if (h.key !== key) bad(`names key ${String(h.key).slice(0, 12)}…, not the requested one`);
  if (!Array.isArray(h.outputs) || !Array.isArray(h.emptyDirs) || !Array.isArray(h.logs) || !Array.isArray(h.metrics)) bad("lacks outputs, emptyDirs, logs or metrics");
  if (typeof h.durationMs !== "number" || typeof h.logsDropped !== "number") bad("lacks durationMs or logsDropped");
  const seen = new Set<string>();
  for (const o of h.outputs) {
    if (typeof o?.digest !== "string" || !/^[0-9a-f]{32}$/.test(o.digest)) bad(`has a bad digest for ${JSON.stringify(o?.path)}`);
    if (!Number.isSafeInteger(o.size) || o.size < 0) bad(`has a bad size for ${JSON.stringify(o.path)}`);
    checkPath(o.path, key);
    if (seen.has(o.path)) bad(`lists ${JSON.stringify(o.path)} twice`);
    seen.add(o.path);
  }
  for (const d of h.emptyDirs) checkPath(d, key);
}

/** A relative, "/"-separated path that stays inside the outDir. */
function checkPath(p: unknown, key: string): void {
  const ok = typeof p === "string" && p.length > 0 && !p.includes("\\") && !p.includes("\0") && p.split("/").every((s) => s !== "" && s !== "." && s !== "..");
  if (!ok) throw new ArtifactError(key, `its header has the path ${JSON.stringify(p)}, which is not a plain relative path`);
}

/** Copy up to `size` bytes from `from` at `fromPos` to `to` at `toPos`; returns the bytes copied (less at end of file). */
async function copyBytes(from: FileHandle, fromPos: number, size: number, to: FileHandle, toPos: number, buf: Uint8Array): Promise<number> {
  let done = 0;
  while (done < size) {
    const { bytesRead } = await from.read(buf, 0, Math.min(buf.length, size - done), fromPos + done);
    if (bytesRead === 0) break;
    for (let w = 0; w < bytesRead; ) w += (await to.write(buf, w, bytesRead - w, toPos + done + w)).bytesWritten;
    done += bytesRead;
  }
  return done;
}
