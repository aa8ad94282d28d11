// Test helper: the real Turborepo remote cache server (npm turborepo-remote-cache, local storage) as a child process on
// 127.0.0.1 and a free port, with its storage in a given dir. serverEntry() is null when the package is not installed.

import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";

export interface CacheServer {
  /** Base URL, e.g. "http://127.0.0.1:41234". */
  readonly url: string;
  readonly token: string;
  /** Where the server stores the artifact of `hash` for `team`. */
  artifactPath(team: string, hash: string): string;
  stop(): Promise<void>;
}

/** The server's CLI entry (dist/cli.js), or null when turborepo-remote-cache is not installed. */
export function serverEntry(): string | null {
  try {
    const entry = join(dirname(Bun.resolveSync("turborepo-remote-cache/package.json", import.meta.dir)), "dist", "cli.js");
    return existsSync(entry) ? entry : null;
  } catch {
    return null;
  }
}

/** A TCP port that was free a moment ago (nothing listens on it now). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Start the server with STORAGE_PROVIDER=local under `storageDir` (plus `env`, e.g. READ_ONLY); resolves once it answers. */
export async function startCacheServer(o: { entry: string; storageDir: string; token: string; env?: Record<string, string> }): Promise<CacheServer> {
  const port = await freePort();
  const proc = Bun.spawn([process.execPath, o.entry], {
    env: {
      PATH: process.env.PATH ?? "",
      NODE_ENV: "production",
      HOST: "127.0.0.1",
      PORT: String(port),
      STORAGE_PROVIDER: "local",
      STORAGE_PATH: o.storageDir,
      STORAGE_PATH_USE_TMP_FOLDER: "false",
      TURBO_TOKEN: o.token,
      LOG_LEVEL: "fatal",
      ...o.env,
    },
    stdout: "ignore",
    stderr: "pipe",
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill("SIGTERM");
    const exited = await Promise.race([proc.exited.then(() => true), Bun.sleep(3000).then(() => false)]);
    if (!exited) {
      proc.kill("SIGKILL");
      await proc.exited;
    }
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`turborepo-remote-cache exited with ${proc.exitCode}: ${await new Response(proc.stderr).text()}`);
    try {
      if ((await fetch(`${url}/v8/artifacts/status`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`turborepo-remote-cache did not answer on ${url} within 20 s`);
    }
    await Bun.sleep(100);
  }
  return { url, token: o.token, artifactPath: (team, hash) => join(o.storageDir, team, hash), stop };
}
