// Test helper: one shared WebGPU device for a test process, or null (with the skip reason printed once).
import { getDevice } from "./get-device.ts";
import type { Device } from "./tensor.ts";

let shared: Promise<Device | null> | null = null;

/** A WebGPU device, or null when no adapter exists (prints why once). Destroyed when the process exits. */
export function testDevice(): Promise<Device | null> {
  shared ??= getDevice({ backend: "webgpu" }).then(
    (d) => {
      process.once("beforeExit", () => d.destroy());
      return d;
    },
    (e: unknown) => {
      console.warn(`[@lathe/gpu] skipping WebGPU tests: ${e instanceof Error ? e.message : String(e)}`);
      return null;
    },
  );
  return shared;
}
