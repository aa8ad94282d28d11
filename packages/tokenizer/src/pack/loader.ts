// TokenLoader: serves (B, T+1) windows of a token shard for training and evaluation.
// Windows start at multiples of T (consecutive windows share one token), so a shard of N tokens has
// floor((N - 1) / T) windows. "random" mode walks a seeded permutation of the windows, a new one each epoch;
// "sequential" mode walks them in order once (for eval). The cursor is a small JSON object: save it with a
// checkpoint and pass it back to resume exactly where training stopped.
import { TokenizerConfigError } from "../errors.ts";
import { readMask, readShard } from "./shard.ts";

export interface LoaderOptions {
  /** Rows per batch. */
  readonly B: number;
  /** Context length: each row is T+1 tokens (inputs are the first T, targets the last T). */
  readonly T: number;
  /** "random" for training (seeded shuffle, endless), "sequential" for eval (in order, once). */
  readonly mode: "random" | "sequential";
  /** Seed of the window permutation (random mode). @default 0 */
  readonly seed?: number;
}

/** The resumable position of a loader. */
export interface LoaderState {
  readonly mode: "random" | "sequential";
  readonly seed: number;
  readonly B: number;
  readonly T: number;
  readonly epoch: number;
  /** Windows already served in this epoch. */
  readonly cursor: number;
}

export interface Batch {
  /** Rows in this batch: B, or fewer for the last sequential batch. */
  readonly rows: number;
  readonly tokens: Int32Array; // (rows, T+1)
  readonly x: Int32Array; // (rows, T) inputs
  readonly y: Int32Array; // (rows, T) targets
  /** 1 where the target counts toward the loss; null when the shard has no mask. */
  readonly mask: Uint8Array | null; // (rows, T), aligned with y
  /** Window index (start = index * T) of each row. */
  readonly windows: Int32Array; // (rows)
  /** Epoch of the first row. */
  readonly epoch: number;
}

/** splitmix32-style PRNG: deterministic across platforms. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class TokenLoader {
  readonly windows: number;
  private epoch = 0;
  private cursor = 0;
  private perm: Int32Array | null = null; // (windows) order of this epoch
  private readonly seed: number;

  constructor(
    readonly tokens: Uint16Array | Uint32Array | Int32Array, // (N)
    readonly mask: Uint8Array | null, // (N) or null
    readonly opts: LoaderOptions,
  ) {
    const { B, T } = opts;
    if (!Number.isInteger(B) || B < 1) throw new TokenizerConfigError("/train/batch_size", B, "a positive integer", "bad batch size");
    if (!Number.isInteger(T) || T < 1) throw new TokenizerConfigError("/model/context", T, "a positive integer", "bad context length");
    this.windows = Math.floor((tokens.length - 1) / T);
    if (this.windows < 1)
      throw new TokenizerConfigError("/model/context", T, `the shard has ${tokens.length} tokens; need at least T+1 = ${T + 1}. Use a smaller context or more data`, "shard shorter than one window");
    if (opts.mode === "random" && this.windows < B)
      throw new TokenizerConfigError("/train/batch_size", B, `the shard has only ${this.windows} windows of ${T + 1} tokens; lower the batch size or context`, "batch larger than the shard");
    this.seed = opts.seed ?? 0;
  }

  /** A loader over a shard file, with its mask file when one exists (pass maskPath). */
  static open(path: string, opts: LoaderOptions, maskPath: string | null = null): TokenLoader {
    return new TokenLoader(readShard(path), maskPath ? readMask(maskPath) : null, opts);
  }

  private order(): Int32Array | null {
    if (this.opts.mode === "sequential") return null;
    if (this.perm === null) {
      const n = this.windows;
      const p = new Int32Array(n);
      for (let i = 0; i < n; i++) p[i] = i;
      const r = rng((this.seed * 0x2c1b3c6d + this.epoch * 0x297a2d39) | 0);
      for (let i = n - 1; i > 0; i--) {
        const j = r() % (i + 1);
        const t = p[i]; p[i] = p[j]; p[j] = t;
      }
      this.perm = p;
    }
    return this.perm;
  }

  /** The next batch; null when a sequential loader has served every window (call reset() to start over). */
  next(): Batch | null {
    const { B, T } = this.opts;
    const seq = this.opts.mode === "sequential";
    if (seq && this.cursor >= this.windows) return null;
    const rows = seq ? Math.min(B, this.windows - this.cursor) : B;
    const W = T + 1;
    const tokens = new Int32Array(rows * W); // (rows, T+1)
    const x = new Int32Array(rows * T); // (rows, T)
    const y = new Int32Array(rows * T); // (rows, T)
    const mask = this.mask ? new Uint8Array(rows * T) : null; // (rows, T)
    const wins = new Int32Array(rows);
    let epoch = this.epoch;
    for (let r = 0; r < rows; r++) {
      if (!seq && this.cursor === this.windows) {
        this.epoch++;
        this.cursor = 0;
        this.perm = null;
      }
      if (r === 0) epoch = this.epoch;
      const order = this.order();
      const w = order ? order[this.cursor] : this.cursor;
      this.cursor++;
      wins[r] = w;
      const start = w * T;
      for (let t = 0; t < W; t++) tokens[r * W + t] = this.tokens[start + t];
      x.set(tokens.subarray(r * W, r * W + T), r * T);
      y.set(tokens.subarray(r * W + 1, r * W + W), r * T);
      if (mask) mask.set(this.mask!.subarray(start + 1, start + W), r * T);
    }
    return { rows, tokens, x, y, mask, windows: wins, epoch };
  }

  state(): LoaderState {
    const { mode, B, T } = this.opts;
    return { mode, seed: this.seed, B, T, epoch: this.epoch, cursor: this.cursor };
  }

  /** Resume from a saved state (same shard, same B, T, mode and seed). */
  restore(s: LoaderState): void {
    const o = this.opts;
    if (s.mode !== o.mode || s.B !== o.B || s.T !== o.T || s.seed !== this.seed)
      throw new TokenizerConfigError("/loader/state", s, `saved with mode=${s.mode} B=${s.B} T=${s.T} seed=${s.seed}; this loader has mode=${o.mode} B=${o.B} T=${o.T} seed=${this.seed}`, "loader state does not match");
    if (s.cursor < 0 || s.cursor > this.windows) throw new TokenizerConfigError("/loader/state/cursor", s.cursor, `0..${this.windows}`, "cursor out of range");
    this.epoch = s.epoch;
    this.cursor = s.cursor;
    this.perm = null;
  }

  reset(): void {
    this.epoch = 0;
    this.cursor = 0;
    this.perm = null;
  }
}
