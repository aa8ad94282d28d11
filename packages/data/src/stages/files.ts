// Stage file helpers: atomic JSONL/JSON writers (temp file + rename) and a streaming docs.jsonl reader.
import { renameSync, rmSync, writeFileSync } from "node:fs";
import type { Doc } from "../doc.ts";
import { ArtifactError } from "../errors.ts";
import { openBytes } from "../read/bytes.ts";
import { splitLines } from "../read/lines.ts";
import { newStats } from "../read/stats.ts";

/** Writes lines to `<path>.tmp-<pid>`; close() renames it to path, abort() removes it. */
export class AtomicLines {
  private readonly tmp: string;
  private readonly w: ReturnType<ReturnType<typeof Bun.file>["writer"]>;
  lines = 0;

  constructor(readonly path: string) {
    this.tmp = `${path}.tmp-${process.pid}`;
    this.w = Bun.file(this.tmp).writer({ highWaterMark: 1 << 20 });
  }

  write(obj: unknown): void {
    this.w.write(`${JSON.stringify(obj)}\n`);
    this.lines++;
  }

  async close(): Promise<void> {
    await this.w.end();
    renameSync(this.tmp, this.path);
  }

  async abort(): Promise<void> {
    try {
      await this.w.end();
    } finally {
      rmSync(this.tmp, { force: true });
    }
  }
}

export function writeJsonAtomic(path: string, value: unknown): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, path);
}

/** Documents of a docs.jsonl file, streamed. */
export async function* readDocs(file: string): AsyncGenerator<Doc> {
  const stats = newStats("docs", file);
  for await (const line of splitLines(openBytes(file), 2 ** 31 - 1, stats, file)) {
    if (line.bytes.length === 0) continue;
    let d: Doc;
    try {
      d = JSON.parse(new TextDecoder().decode(line.bytes));
    } catch (e) {
      throw new ArtifactError(file, line.n, `not JSON (${(e as Error).message})`);
    }
    if (typeof d.id !== "string" || (typeof d.text !== "string" && !Array.isArray(d.messages))) throw new ArtifactError(file, line.n, "a document needs a string id and text or messages");
    yield d;
  }
}

/** Calls fn at most every ms milliseconds (and once more on flush). */
export function throttle(ms: number, fn: () => void): { tick(): void; flush(): void } {
  let last = 0;
  return {
    tick() {
      const now = performance.now();
      if (now - last >= ms) {
        last = now;
        fn();
      }
    },
    flush: fn,
  };
}
