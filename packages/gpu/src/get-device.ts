// getDevice(): the entry point. "cpu" runs the TypeScript references; "webgpu" acquires a Dawn adapter.
import { createCpuBackend } from "./cpu-backend.ts";
import type { BufferLimits } from "./memory.ts";
import { createMetaBackend } from "./meta-backend.ts";
import { Device } from "./tensor.ts";

export interface GetDeviceOptions {
  /** "webgpu" (Dawn: Vulkan, then GL compatibility) or "cpu" (TypeScript references). @default "webgpu" */
  readonly backend?: "webgpu" | "cpu";
}

/**
 * A device that runs a graph without computing or allocating, to measure live/peak bytes before using a real device
 * (`(dev.backend as MetaBackend).meta()`); allocations over the limits throw the real CapacityError.
 */
export function metaDevice(limits: BufferLimits): Device {
  return new Device(createMetaBackend(limits));
}

/**
 * The environment variables that change what a device computes, not only how fast: the adapter (LATHE_ADAPTER),
 * Dawn's backend (LATHE_BACKEND, device.ts), the matmul kernel (LATHE_MATMUL) and its row blocking (LATHE_TEX_RBS,
 * kernels/matmul). A stage that computes on a device names them in its key (StageDef.env). The others only change
 * speed or checks: LATHE_ROBUSTNESS, LATHE_NICE, LATHE_WAIT_SLEEP, LATHE_GPU_PROFILE.
 */
export const DEVICE_ENV: readonly string[] = ["LATHE_ADAPTER", "LATHE_BACKEND", "LATHE_MATMUL", "LATHE_TEX_RBS"];

export async function getDevice(opts: GetDeviceOptions = {}): Promise<Device> {
  if ((opts.backend ?? "webgpu") === "cpu") return new Device(createCpuBackend());
  const { createWebGpuBackend } = await import("./webgpu-backend.ts");
  return new Device(await createWebGpuBackend());
}
