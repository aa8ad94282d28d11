// Opening the compute device for a run (backend auto|webgpu|cpu) and the limits the fit check compares against.
import { totalmem } from "node:os";
import { type Device, getDevice } from "@lathe/gpu";
import type { DeviceLimits } from "../estimate.ts";

/** `auto` tries WebGPU and falls back to the CPU reference backend when no adapter exists. */
export async function openDevice(backend: "auto" | "webgpu" | "cpu", log?: (l: string) => void): Promise<Device> {
  if (backend !== "auto") return getDevice({ backend });
  try {
    return await getDevice({ backend: "webgpu" });
  } catch (e) {
    log?.(`no WebGPU adapter (${(e as Error).message.split("\n")[0]}); using the CPU backend`);
    return getDevice({ backend: "cpu" });
  }
}

/** Limits for checkFits: the backend's own when it reports them, else the host's memory. */
export function deviceLimits(dev: Device): DeviceLimits {
  const reported = dev.backend.limits;
  const memoryBytes = Math.floor(totalmem() * 0.75); // CPU and lavapipe allocate host memory
  if (dev.kind === "cpu") return { maxBufferBytes: 2 ** 32, memoryBytes };
  if (!reported) return { maxBufferBytes: 128 * 2 ** 20, memoryBytes }; // WebGPU's common binding limit
  return { maxBufferBytes: Math.min(reported.maxStorageBufferBindingSize, reported.maxBufferSize), memoryBytes };
}
