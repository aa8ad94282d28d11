// Download an http(s) source once into the cache, verified by SHA-256: streamed to a temp file while hashing,
// renamed into place only when the hash matches the recipe's, refused (ChecksumError) otherwise.
import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { SourceError, ChecksumError } from "../errors.ts";

/** The cached path of a URL pinned by sha256; the file name keeps the URL's extension for format detection. */
export function cachedPath(url: string, sha256: string, cacheDir: string): string {
  const name = new URL(url).pathname.split("/").pop() || "download";
  return join(cacheDir, "downloads", `${sha256.slice(0, 16)}-${name.replace(/[^\w.-]/g, "_")}`);
}

/** Path of the verified local copy, downloading it first if the cache lacks it. */
export async function fetchVerified(url: string, sha256: string, cacheDir: string, signal?: AbortSignal): Promise<string> {
  const dest = cachedPath(url, sha256, cacheDir);
  if (existsSync(dest)) return dest;
  mkdirSync(join(cacheDir, "downloads"), { recursive: true });
  let res: Response;
  try {
    res = await fetch(url, signal ? { signal } : {});
  } catch (e) {
    throw new SourceError(url, "datasets", `download failed (${(e as Error).message})`, "check the URL and the network; the file is cached after the first successful download", { cause: e });
  }
  if (!res.ok || !res.body) throw new SourceError(url, "datasets", `download failed: HTTP ${res.status} ${res.statusText}`, "check the URL");
  const tmp = `${dest}.${process.pid}.${Date.now()}.part`;
  const hasher = new Bun.CryptoHasher("sha256");
  const out = createWriteStream(tmp);
  try {
    for await (const chunk of res.body) {
      hasher.update(chunk);
      if (!out.write(chunk)) await new Promise((r) => out.once("drain", r));
    }
    await new Promise<void>((ok, bad) => out.end((e?: Error | null) => (e ? bad(e) : ok())));
  } catch (e) {
    out.destroy();
    rmSync(tmp, { force: true });
    throw new SourceError(url, "datasets", `download interrupted (${(e as Error).message})`, "retry the build", { cause: e });
  }
  const actual = hasher.digest("hex");
  if (actual !== sha256) {
    rmSync(tmp, { force: true });
    throw new ChecksumError(url, sha256, actual);
  }
  renameSync(tmp, dest);
  return dest;
}
