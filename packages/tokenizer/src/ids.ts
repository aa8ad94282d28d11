// A growable buffer of token ids (uint32), so encoders append without per-token allocation.

export class IdBuffer {
  data: Uint32Array; // (capacity)
  length = 0;

  constructor(capacity = 1024) {
    this.data = new Uint32Array(capacity);
  }

  push(id: number): void {
    if (this.length === this.data.length) this.grow(this.length + 1);
    this.data[this.length++] = id;
  }

  pushAll(ids: Uint32Array): void {
    const n = this.length + ids.length;
    if (n > this.data.length) this.grow(n);
    this.data.set(ids, this.length);
    this.length = n;
  }

  grow(min: number): void {
    let cap = this.data.length * 2;
    while (cap < min) cap *= 2;
    const d = new Uint32Array(cap);
    d.set(this.data.subarray(0, this.length));
    this.data = d;
  }

  /** A copy of the ids pushed so far. */
  toArray(): Uint32Array {
    return this.data.slice(0, this.length);
  }

  clear(): void {
    this.length = 0;
  }
}
