// getDevice(): the entry point. "cpu" runs the TypeScript references; "webgpu" acquires a Dawn adapter.
import { createCpuBackend } from "./cpu-backend.ts";
import { Device } from "./tensor.ts";

export interface GetDeviceOptions {
  /** "webgpu" (Dawn: Vulkan, then GL compatibility) or "cpu" (TypeScript references). @default "webgpu" */
  readonly backend?: "webgpu" | "cpu";
}

export async function getDevice(opts: GetDeviceOptions = {}): Promise<Device> {
  if ((opts.backend ?? "webgpu") === "cpu") return new Device(createCpuBackend());
  const { createWebGpuBackend } = await import("./webgpu-backend.ts");
  return new Device(await createWebGpuBackend());
}
