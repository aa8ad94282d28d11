// Buffer copy of n f32/i32 elements through the runtime's encoder.
import type { GpuBuf, Runtime } from "../runtime.ts";

export function copyBuf(rt: Runtime, dst: GpuBuf, src: GpuBuf, n: number): void {
  rt.copy(dst, src, n * 4);
}
