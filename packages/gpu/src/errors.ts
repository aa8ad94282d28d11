// Typed errors of @lathe/gpu. Messages say what, where (op or kernel), the bad value, and a hint.

/** An op got tensors whose shapes or dtypes do not fit together. */
export class ShapeError extends Error {
  override readonly name = "ShapeError";
  constructor(
    readonly op: string,
    readonly detail: string,
    readonly hint: string,
  ) {
    super(`${op}: ${detail}. Hint: ${hint}`);
  }
}

/** A buffer would exceed the adapter's limits (maxStorageBufferBindingSize / maxBufferSize). */
export class CapacityError extends Error {
  override readonly name = "CapacityError";
  constructor(
    readonly what: string,
    readonly bytes: number,
    readonly limitName: string,
    readonly limit: number,
  ) {
    super(
      `${what} needs ${bytes} bytes (${(bytes / 2 ** 20).toFixed(1)} MiB), over the adapter's ${limitName} of ${limit} bytes ` +
        `(${(limit / 2 ** 20).toFixed(1)} MiB). Hint: lower batch size, context length or vocab/width, or run on an adapter with larger limits (bun run lathe doctor).`,
    );
  }
}

/** A WebGPU validation/out-of-memory/internal error, naming the kernel that caused it. */
export class GpuKernelError extends Error {
  override readonly name = "GpuKernelError";
  constructor(
    readonly kernel: string,
    readonly kind: "validation" | "out-of-memory" | "internal",
    readonly gpuMessage: string,
  ) {
    super(`kernel ${kernel}: WebGPU ${kind} error: ${gpuMessage.trim()}. Hint: this is a bug in the kernel's WGSL or in its dispatch (bindings, params); please report it with this message.`);
  }
}

/** The device was lost (driver reset, destroy() while work was pending, ...). */
export class DeviceLostError extends Error {
  override readonly name = "DeviceLostError";
  constructor(
    readonly reason: string,
    readonly gpuMessage: string,
  ) {
    super(`WebGPU device lost (${reason}): ${gpuMessage}. Hint: run 'bun run lathe doctor'; a lost device cannot be reused, create a new one with getDevice().`);
  }
}

/** No WebGPU adapter could be found. */
export class NoAdapterError extends Error {
  override readonly name = "NoAdapterError";
  constructor(
    readonly tried: readonly string[],
    readonly installHint: string,
  ) {
    super(`no WebGPU adapter found (tried: ${tried.join("; ")}). Hint: ${installHint}`);
  }
}

/** A tensor was used after dispose(). */
export class DisposedError extends Error {
  override readonly name = "DisposedError";
  constructor(readonly tensor: string) {
    super(`tensor ${tensor} was used after dispose(). Hint: keep it out of tidy() by returning it, or don't dispose it yet.`);
  }
}

/** An op was given a tensor of a dtype it does not support (e.g. an f16 tensor into matmul). */
export class DTypeError extends Error {
  override readonly name = "DTypeError";
  constructor(
    readonly op: string,
    readonly tensor: string,
    readonly dtype: string,
    readonly hint: string,
    /** Why it is refused. @default `which ${op} does not support` */
    readonly reason = `which ${op} does not support`,
  ) {
    super(`${op}: ${tensor} is ${dtype}, ${reason}. Hint: ${hint}`);
  }
}

/** An f16 tensor was requested on an adapter without the `shader-f16` feature. */
export class F16UnsupportedError extends Error {
  override readonly name = "F16UnsupportedError";
  readonly feature = "shader-f16";
  constructor(
    readonly tensor: string,
    readonly adapter: string,
  ) {
    super(
      `${tensor}: f16 tensors need the WebGPU feature "shader-f16", which adapter ${adapter} does not have. ` +
        `Hint: keep this tensor f32 (the default), or run on an adapter that lists shader-f16 (bun run lathe doctor).`,
    );
  }
}
