// Memory estimate for a set of tensors before allocating them, checked against the adapter's buffer limits.
import { CapacityError } from "./errors.ts";
import { sizeClass } from "./runtime.ts";
import { bytesPerElement, type DType, sizeOf } from "./types.ts";

export interface TensorSpec {
  readonly name: string;
  /** e.g. [B, T, 3 * C] */
  readonly shape: readonly number[];
  /** @default "f32" */
  readonly dtype?: DType;
  /** How many tensors of this spec (e.g. one per layer). @default 1 */
  readonly count?: number;
}

export interface MemoryEstimate {
  /** Sum of pooled buffer sizes (size classes included). */
  readonly totalBytes: number;
  readonly tensors: readonly { readonly name: string; readonly shape: readonly number[]; readonly dtype: DType; readonly bytes: number; readonly count: number }[];
  readonly largest: { readonly name: string; readonly bytes: number } | null;
}

/** Buffer limits to check against (a WebGPU device's limits; Infinity on the CPU backend). */
export interface BufferLimits {
  readonly maxStorageBufferBindingSize: number;
  readonly maxBufferSize: number;
}

export function estimateMemory(specs: readonly TensorSpec[]): MemoryEstimate {
  // f16 takes 2 bytes per element; buffers are whole 4-byte words (as the WebGPU backend allocates them).
  const tensors = specs.map((s) => {
    const dtype = s.dtype ?? "f32";
    return { name: s.name, shape: s.shape, dtype, bytes: Math.ceil((sizeOf(s.shape) * bytesPerElement(dtype)) / 4) * 4, count: s.count ?? 1 };
  });
  let total = 0;
  let largest: { name: string; bytes: number } | null = null;
  for (const t of tensors) {
    total += sizeClass(t.bytes) * t.count;
    if (!largest || t.bytes > largest.bytes) largest = { name: t.name, bytes: t.bytes };
  }
  return { totalBytes: total, tensors, largest };
}

/** Throws a CapacityError naming the first tensor that cannot be one buffer on this adapter. */
export function checkFits(specs: readonly TensorSpec[], limits: BufferLimits): MemoryEstimate {
  const est = estimateMemory(specs);
  for (const t of est.tensors) {
    const what = `${t.name} (${t.shape.join(",")}) ${t.dtype}`;
    if (t.bytes > limits.maxStorageBufferBindingSize) throw new CapacityError(what, t.bytes, "maxStorageBufferBindingSize", limits.maxStorageBufferBindingSize);
    if (t.bytes > limits.maxBufferSize) throw new CapacityError(what, t.bytes, "maxBufferSize", limits.maxBufferSize);
  }
  return est;
}
