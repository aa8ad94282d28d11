// The meta backend: runs a graph (forward, backward, optimizer) without computing or allocating anything, to measure
// its memory before touching the GPU. Tracks live and peak bytes with the WebGPU pool's size classes and throws the
// same CapacityError a real allocation would. Reads return zeros.
import type { Backend, Buf } from "./backend.ts";
import { CapacityError } from "./errors.ts";
import type { BufferLimits } from "./memory.ts";
import { sizeClass } from "./runtime.ts";
import { bytesPerElement, type DType, type TypedArray } from "./types.ts";

interface MetaBuf {
  readonly bytes: number;
  readonly what: string;
}

export interface MetaStats {
  readonly liveBytes: number;
  readonly peakBytes: number;
  /** The largest single tensor seen. */
  readonly largest: { readonly what: string; readonly bytes: number } | null;
}

export interface MetaBackend extends Backend {
  meta(): MetaStats;
}

export function createMetaBackend(limits: BufferLimits): MetaBackend {
  let live = 0;
  let peak = 0;
  let largest: { what: string; bytes: number } | null = null;
  const base = {
    kind: "webgpu" as const,
    limits,
    supportsF16: true,
    adapterName: "meta",
    alloc(n: number, dtype: DType, what: string): Buf {
      const bytes = Math.ceil((n * bytesPerElement(dtype)) / 4) * 4;
      if (bytes > limits.maxStorageBufferBindingSize) throw new CapacityError(what, bytes, "maxStorageBufferBindingSize", limits.maxStorageBufferBindingSize);
      if (bytes > limits.maxBufferSize) throw new CapacityError(what, bytes, "maxBufferSize", limits.maxBufferSize);
      live += sizeClass(bytes);
      peak = Math.max(peak, live);
      if (!largest || bytes > largest.bytes) largest = { what, bytes };
      return { bytes, what } as MetaBuf as unknown as Buf;
    },
    /** A view costs nothing: its base was counted when allocated. */
    view(_b: Buf, _offset: number, n: number, dtype: DType): Buf {
      return { bytes: Math.ceil((n * bytesPerElement(dtype)) / 4) * 4, what: "view" } as MetaBuf as unknown as Buf;
    },
    free(b: Buf): void {
      live -= sizeClass((b as unknown as MetaBuf).bytes);
    },
    write(): void {},
    async read(_b: Buf, n: number, dtype: DType): Promise<TypedArray> {
      return dtype === "i32" ? new Int32Array(n) : new Float32Array(n);
    },
    flush(): void {},
    destroy(): void {},
    meta: (): MetaStats => ({ liveBytes: live, peakBytes: peak, largest }),
  };
  // Every kernel is a no-op: only allocation matters here.
  return new Proxy(base, { get: (t, k) => (k in t ? t[k as keyof typeof t] : () => {}) }) as unknown as MetaBackend;
}
