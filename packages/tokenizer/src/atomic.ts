// Atomic file writes: write to a temp file beside the target, then rename over it.
import { renameSync, writeFileSync, openSync, writeSync, closeSync, fsyncSync, unlinkSync } from "node:fs";

let seq = 0;
function tempName(path: string): string {
  return `${path}.tmp-${process.pid}-${seq++}`;
}

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = tempName(path);
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/** A file written in pieces, appearing at its path only on close(). */
export class AtomicWriter {
  private readonly tmp: string;
  private readonly fd: number;
  bytes = 0;

  constructor(private readonly path: string) {
    this.tmp = tempName(path);
    this.fd = openSync(this.tmp, "w");
  }

  write(data: Uint8Array): void {
    let off = 0;
    while (off < data.length) off += writeSync(this.fd, data, off, data.length - off);
    this.bytes += data.length;
  }

  /** Overwrite bytes at a position (e.g. a header once the counts are known). */
  writeAt(data: Uint8Array, position: number): void {
    writeSync(this.fd, data, 0, data.length, position);
  }

  close(): void {
    fsyncSync(this.fd);
    closeSync(this.fd);
    renameSync(this.tmp, this.path);
  }

  /** Drop the file: nothing appears at the path. */
  abort(): void {
    closeSync(this.fd);
    unlinkSync(this.tmp);
  }
}
