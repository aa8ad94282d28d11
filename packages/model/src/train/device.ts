// Opening the compute device for a run (backend auto|webgpu|cpu) and the limits the fit check compares against.
import { totalmem } from "node:os";
import { type Device, getDevice } from "@lathe/gpu";
import type { DeviceLimits } from "../estimate.ts";

/** The device a run computes on, and why it is not the one asked for (null when it is). */
export interface OpenedDevice {
  readonly device: Device;
  /** Set when `auto` found no WebGPU adapter and fell back to the CPU: the adapter error's first line. */
  readonly fallback: string | null;
}

/** The line a run logs (and the build view shows) when `auto` trains on the CPU because no adapter exists. */
export const CPU_FALLBACK_LINE = "no WebGPU adapter: training on the CPU reference backend (slow)";

/** `auto` tries WebGPU and falls back to the CPU reference backend when no adapter exists. */
export async function openDevice(backend: "auto" | "webgpu" | "cpu"): Promise<OpenedDevice> {
  if (backend !== "auto") return { device: await getDevice({ backend }), fallback: null };
  try {
    return { device: await getDevice({ backend: "webgpu" }), fallback: null };
  } catch (e) {
    return { device: await getDevice({ backend: "cpu" }), fallback: (e as Error).message.split("\n")[0] ?? "no adapter" };
  }
}

/** Just the device of openDevice (inference: scorer, decoder, serving engines). */
export async function deviceFor(backend: "auto" | "webgpu" | "cpu"): Promise<Device> {
  return (await openDevice(backend)).device;
}

/** Limits for checkFits: the backend's own when it reports them, else the host's memory. */
export function deviceLimits(dev: Device): DeviceLimits {
  const reported = dev.backend.limits;
  const memoryBytes = Math.floor(totalmem() * 0.75); // CPU and lavapipe allocate host memory
  if (dev.kind === "cpu") return { maxBufferBytes: 2 ** 32, memoryBytes };
  if (!reported) return { maxBufferBytes: 128 * 2 ** 20, memoryBytes }; // WebGPU's common binding limit
  return { maxBufferBytes: Math.min(reported.maxStorageBufferBindingSize, reported.maxBufferSize), memoryBytes };
}
