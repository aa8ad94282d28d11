// Test helper: a real redis-server on 127.0.0.1 and a free port, with no persistence, its files in a given dir.
// redisServer() is null when redis-server is not installed (tests skip with a printed reason).

import { existsSync, mkdirSync } from "node:fs";
import { freePort } from "../remote/test-server.ts";

export interface RedisServer {
  /** "redis://127.0.0.1:<port>" */
  readonly url: string;
  stop(): Promise<void>;
}

/** The redis-server binary ($REDIS_SERVER, or on PATH, or /usr/bin), or null. */
export function redisServer(): string | null {
  const candidates = [process.env.REDIS_SERVER, Bun.which("redis-server"), "/usr/bin/redis-server", "/usr/local/bin/redis-server"];
  return candidates.find((c): c is string => !!c && existsSync(c)) ?? null;
}

/** Start redis-server; resolves once it answers PING. */
export async function startRedis(o: { bin: string; dir: string }): Promise<RedisServer> {
  mkdirSync(o.dir, { recursive: true });
  const port = await freePort();
  const proc = Bun.spawn([o.bin, "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", o.dir, "--loglevel", "warning"], {
    stdout: "ignore",
    stderr: "pipe",
  });
  const url = `redis://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill("SIGTERM");
    const exited = await Promise.race([proc.exited.then(() => true), Bun.sleep(3000).then(() => false)]);
    if (!exited) {
      proc.kill("SIGKILL");
      await proc.exited;
    }
  };
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`redis-server exited with ${proc.exitCode}: ${await new Response(proc.stderr).text()}`);
    if (await ping(port)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`redis-server did not answer on ${url} within 10 s`);
    }
    await Bun.sleep(50);
  }
  return { url, stop };
}

/** One RESP PING over TCP: true when +PONG comes back. */
async function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    let answer = "";
    const done = (ok: boolean) => {
      clearTimeout(timer);
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), 1000);
    Bun.connect({
      hostname: "127.0.0.1",
      port,
      socket: {
        open(s) {
          s.write("PING\r\n");
        },
        data(s, d) {
          answer += new TextDecoder().decode(d);
          if (answer.includes("\r\n")) {
            s.end();
            done(answer.startsWith("+PONG"));
          }
        },
        error() {
          done(false);
        },
        close() {
          done(answer.startsWith("+PONG"));
        },
      },
    }).catch(() => done(false));
  });
}
