// Tensor and Device: the user-facing handle over a backend. A tensor owns (a reference to) a backend buffer;
// reshape views share it by refcount. dev.tidy(fn) frees the tensors fn makes (a training step's intermediates);
// its scope belongs to the call, not the device: it holds only the tensors made by the work fn starts, across its
// awaits too, never another concurrent caller's (tidy-scope.ts). keep() takes a tensor out of its scope.
import type { Backend, Buf } from "./backend.ts";
import { DisposedError, F16UnsupportedError, ShapeError } from "./errors.ts";
import { type BufferLimits, checkFits, type MemoryEstimate, type TensorSpec } from "./memory.ts";
import { normal } from "./rng.ts";
import { currentScope, openScope, runInScope, TidyScope } from "./tidy-scope.ts";
import { type DType, type FloatDType, type TypedArray, sizeOf } from "./types.ts";

/** A refcounted backend buffer, or a view into a parent's buffer (which it holds a reference to). */
export class Storage {
  refs = 1;
  constructor(
    readonly backend: Backend,
    readonly buf: Buf,
    readonly size: number,
    readonly parent: Storage | null = null,
  ) {
    if (parent) parent.refs++;
  }
  release(): void {
    if (--this.refs !== 0) return;
    if (this.parent) this.parent.release();
    else this.backend.free(this.buf);
  }
}

/** One recorded op on the tape: its inputs and how to turn the output gradient into input gradients. */
export interface TapeNode {
  readonly op: string;
  readonly inputs: readonly Tensor[];
  /**
   * Returns one gradient tensor per input (null where the input needs none): a fresh one, or into[k] itself when
   * the op added its gradient for input k into into[k] (the gradient that input has so far from other uses, given
   * by backward() when there is one) instead of making a new tensor.
   */
  backward(gout: Tensor, into?: readonly (Tensor | null)[]): (Tensor | null)[];
  /** Frees buffers saved for the backward (lse, mean, rstd, gates, ...). */
  release(): void;
}

export interface TensorOptions {
  /** Leaf that collects .grad on backward(). @default false */
  readonly requiresGrad?: boolean;
  /** Shown in errors and capacity messages. @default "tensor" */
  readonly name?: string;
}

export interface DataOptions extends TensorOptions {
  /** Storage dtype for float data: "f16" stores it rounded to f16 (needs `shader-f16` on WebGPU). @default "f32" */
  readonly dtype?: FloatDType;
}

/** Frees the buffer of a tensor that was garbage-collected without dispose(). */
const collected = new FinalizationRegistry<Storage>((st) => st.release());

export class Tensor {
  requiresGrad: boolean;
  grad: Tensor | null = null;
  node: TapeNode | null = null;
  name: string;
  /** @internal The tidy() scope that will free it, if any (tidy-scope.ts). */
  scope: TidyScope | null = null;
  #storage: Storage | null;

  constructor(
    readonly device: Device,
    storage: Storage,
    readonly shape: readonly number[],
    readonly dtype: DType,
    opts: TensorOptions = {},
  ) {
    this.#storage = storage;
    collected.register(this, storage, this);
    this.requiresGrad = opts.requiresGrad ?? false;
    this.name = opts.name ?? "tensor";
  }

  get size(): number {
    return sizeOf(this.shape);
  }
  get disposed(): boolean {
    return this.#storage === null;
  }
  get storage(): Storage {
    if (!this.#storage) throw new DisposedError(this.describe());
    return this.#storage;
  }
  /** The backend buffer (for backends and kernels). */
  get buf(): Buf {
    return this.storage.buf;
  }
  describe(): string {
    return `${this.name} (${this.shape.join(",")}) ${this.dtype}`;
  }

  /** Copy to the host; syncs the queue. An f16 tensor reads as a Float32Array of its (f16-rounded) values. */
  async read(): Promise<TypedArray> {
    return this.device.backend.read(this.buf, this.size, this.dtype);
  }
  write(data: TypedArray): void {
    if (data.length !== this.size) throw new ShapeError("write", `${this.describe()} got ${data.length} values`, `pass exactly ${this.size} values`);
    if ((this.dtype === "i32") !== data instanceof Int32Array)
      throw new ShapeError("write", `${this.describe()} got a ${data.constructor.name}`, `pass a ${this.dtype === "i32" ? "Int32Array" : "Float32Array"}`);
    this.device.backend.write(this.buf, data, this.dtype);
  }
  /**
   * @internal Point this tensor at another storage of the same size and release the old one (flattenParams moves
   * parameters into one buffer this way, so models keep their Tensor objects).
   */
  rebase(st: Storage): void {
    const old = this.storage;
    if (st.size !== old.size) throw new ShapeError("rebase", `${this.describe()} onto a storage of ${st.size} elements`, "rebase onto a storage of the same size");
    collected.unregister(this);
    collected.register(this, st, this);
    this.#storage = st;
    old.release();
  }

  /** Free the buffer (idempotent). The gradient is disposed too. */
  dispose(): void {
    if (!this.#storage) return;
    collected.unregister(this);
    this.#storage.release();
    this.#storage = null;
    this.node?.release();
    this.node = null;
    this.grad?.dispose();
    this.grad = null;
    this.device.untrack(this);
  }
}

export class Device {
  constructor(readonly backend: Backend) {}

  get kind(): "cpu" | "webgpu" {
    return this.backend.kind;
  }

  /** Whether f16 tensors can be made here (WebGPU: the adapter has `shader-f16`; CPU: emulated, always). */
  get supportsF16(): boolean {
    return this.backend.supportsF16;
  }

  /** A tensor with uninitialized contents (zeros on the CPU backend). */
  empty(shape: readonly number[], dtype: DType = "f32", opts: TensorOptions = {}): Tensor {
    const n = sizeOf(shape);
    for (const d of shape)
      if (!Number.isInteger(d) || d < 0) throw new ShapeError("tensor", `bad shape [${shape.join(",")}] for ${opts.name ?? "tensor"}`, "use non-negative integers");
    const what = `${opts.name ?? "tensor"} (${shape.join(",")}) ${dtype}`;
    if (dtype === "f16" && !this.backend.supportsF16) throw new F16UnsupportedError(what, this.backend.adapterName ?? "(unnamed)");
    const st = new Storage(this.backend, this.backend.alloc(Math.max(n, 1), dtype, what), n);
    const t = new Tensor(this, st, [...shape], dtype, opts);
    openScope(currentScope(), this)?.adopt(t);
    return t;
  }

  /** A tensor holding data: Int32Array -> i32; floats -> f32, or f16 (rounded) with { dtype: "f16" }. */
  tensor(data: TypedArray | readonly number[], shape: readonly number[], opts: DataOptions = {}): Tensor {
    const arr = data instanceof Float32Array || data instanceof Int32Array ? data : new Float32Array(data);
    if (arr instanceof Int32Array && opts.dtype === "f16") throw new ShapeError("tensor", `${opts.name ?? "tensor"}: Int32Array data with dtype f16`, "pass a Float32Array for f16 tensors");
    const dtype: DType = arr instanceof Int32Array ? "i32" : (opts.dtype ?? "f32");
    if (arr.length !== sizeOf(shape))
      throw new ShapeError("tensor", `${opts.name ?? "tensor"}: ${arr.length} values for shape [${shape.join(",")}]`, `pass ${sizeOf(shape)} values or fix the shape`);
    const t = this.empty(shape, dtype, opts);
    this.backend.write(t.buf, arr, dtype);
    return t;
  }

  zeros(shape: readonly number[], dtype: DType = "f32", opts: TensorOptions = {}): Tensor {
    return this.full(shape, 0, dtype, opts);
  }

  full(shape: readonly number[], value: number, dtype: DType = "f32", opts: TensorOptions = {}): Tensor {
    const t = this.empty(shape, dtype, opts);
    this.backend.fill(t.buf, value, t.size, dtype);
    return t;
  }

  /** Normal(0, std) from the counter-based RNG: the same values on every backend for the same seed. */
  randn(shape: readonly number[], std: number, seed: number, opts: DataOptions = {}): Tensor {
    const n = sizeOf(shape);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = normal(seed, i) * std;
    return this.tensor(data, shape, opts);
  }

  /** A new tensor sharing t's buffer with another shape of the same size. */
  view(t: Tensor, shape: readonly number[], opts: TensorOptions = {}): Tensor {
    const st = t.storage;
    st.refs++;
    const v = new Tensor(this, st, [...shape], t.dtype, { name: opts.name ?? t.name, requiresGrad: opts.requiresGrad });
    openScope(currentScope(), this)?.adopt(v);
    return v;
  }

  /**
   * Run fn; dispose every tensor of this device created by the work fn starts (for an async fn, until its promise
   * settles, across its awaits) that is not reachable from its result (a Tensor, array or object of tensors) and not
   * kept with keep(). The result moves to the enclosing tidy() of this call, if any. Tensors created meanwhile by
   * other concurrent calls are not touched. Gradients set by backward() are kept.
   */
  tidy<R>(fn: () => R): R;
  tidy<R>(fn: () => Promise<R>): Promise<R>;
  tidy<R>(fn: () => R | Promise<R>): R | Promise<R> {
    const scope = new TidyScope(this, currentScope());
    const finish = (r: R): R => {
      const survivors = new Set<Tensor>();
      collect(r, survivors);
      scope.close(survivors);
      return r;
    };
    let r: R | Promise<R>;
    try {
      r = runInScope(scope, fn);
    } catch (e) {
      finish(undefined as R);
      throw e;
    }
    if (r instanceof Promise) return r.then(finish, (e) => {
      finish(undefined as R);
      throw e;
    });
    return finish(r);
  }

  /** Move t out of its tidy() scope (whichever call's it is) so it outlives every scope; dispose it yourself. */
  keep<T extends Tensor>(t: T): T {
    t.scope?.drop(t);
    return t;
  }

  /** @internal called by Tensor.dispose */
  untrack(t: Tensor): void {
    t.scope?.drop(t);
  }

  /** Buffer limits of the adapter (Infinity on the CPU backend). */
  get limits(): BufferLimits {
    return this.backend.limits ?? { maxStorageBufferBindingSize: Infinity, maxBufferSize: Infinity };
  }

  /** Estimate the memory of tensors before allocating; throws a CapacityError for one that cannot fit a buffer. */
  checkFits(specs: readonly TensorSpec[]): MemoryEstimate {
    return checkFits(specs, this.limits);
  }

  /** Per-kernel GPU time (ms) and dispatch counts since the device was made; null unless LATHE_GPU_PROFILE=1 on WebGPU. */
  async profile(): Promise<Record<string, { ms: number; count: number }> | null> {
    return (await this.backend.profile?.()) ?? null;
  }

  /** Submit pending GPU work. */
  flush(): void {
    this.backend.flush();
  }

  /** Free the device. */
  destroy(): void {
    this.backend.destroy();
  }
}

function collect(v: unknown, out: Set<Tensor>, depth = 0): void {
  if (depth > 4 || v === null || typeof v !== "object") return;
  if (v instanceof Tensor) {
    out.add(v);
    return;
  }
  if (Array.isArray(v)) for (const x of v) collect(x, out, depth + 1);
  else for (const x of Object.values(v)) collect(x, out, depth + 1);
}
