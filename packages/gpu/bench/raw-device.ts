// A raw Dawn device for benchmarks and kernel tests that run before (or without) the gpu-core runtime.
// Vulkan first (lavapipe on CPU machines), limits raised to the adapter's maxima; null when no adapter exists.
import { create, globals } from "webgpu";

Object.assign(globalThis, globals);

export interface RawDevice {
  readonly device: GPUDevice;
  readonly adapterName: string;
  readonly hasTimestamps: boolean;
  /** The Dawn instance; kept referenced so it outlives the device. */
  readonly gpu: GPU;
  destroy(): void;
}

/** Opens a device with raised limits; `robust: false` adds Dawn's `disable_robustness` toggle. */
export async function openRawDevice(opts: { robust?: boolean } = {}): Promise<RawDevice | null> {
  const flags = ["backend=vulkan"];
  if (opts.robust === false) flags.push("enable-dawn-features=disable_robustness");
  const gpu = create(flags);
  const adapter = await gpu.requestAdapter();
  if (!adapter) return null;
  const lim = adapter.limits;
  const want = [
    "maxStorageBufferBindingSize",
    "maxBufferSize",
    "maxComputeWorkgroupStorageSize",
    "maxComputeInvocationsPerWorkgroup",
    "maxComputeWorkgroupSizeX",
    "maxComputeWorkgroupSizeY",
    "maxComputeWorkgroupSizeZ",
    "maxStorageBuffersPerShaderStage",
    "maxComputeWorkgroupsPerDimension",
  ] as const;
  const requiredLimits: Record<string, number> = {};
  for (const k of want) requiredLimits[k] = lim[k];
  const features = (["timestamp-query", "subgroups", "shader-f16"] as GPUFeatureName[]).filter((f) => adapter.features.has(f));
  const device = await adapter.requestDevice({ requiredLimits, requiredFeatures: features });
  const info = adapter.info;
  return {
    device,
    adapterName: `${info.vendor} ${info.architecture} ${info.description}`.trim(),
    hasTimestamps: features.includes("timestamp-query"),
    gpu,
    destroy: () => device.destroy(),
  };
}
