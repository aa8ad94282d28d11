// Acquire a Dawn WebGPU device: Vulkan first, then GL compatibility (EGL surfaceless, llvmpipe); limits raised to
// the adapter's maxima; shader-f16 / subgroups / timestamp-query when present; disable_robustness unless
// LATHE_ROBUSTNESS=1. LATHE_ADAPTER=<substring> picks an adapter by name. doctor() reports what was found.
import { setPriority } from "node:os";
import { NoAdapterError } from "./errors.ts";

/** Load Dawn's bindings on first use (so CPU-only users of @lathe/gpu never load the native module). */
async function dawn(): Promise<(flags: string[]) => GPU> {
  const { create, globals } = await import("webgpu");
  Object.assign(globalThis, globals);
  return create;
}

export type BackendName = "vulkan" | "opengles";

export interface AcquiredDevice {
  readonly device: GPUDevice;
  readonly adapter: GPUAdapter;
  readonly backend: BackendName;
  readonly adapterName: string;
  readonly features: readonly string[];
  readonly robust: boolean;
  /** The Dawn instance; keep it referenced for the device's lifetime. */
  readonly gpu: GPU;
  /** The main thread was lowered to nice 19 to leave the cores to a software adapter's workers (LATHE_NICE=0: off). */
  readonly niced: boolean;
}

export interface AcquireOptions {
  /** Keep robust buffer access on (bounds checks in every shader). @default process.env.LATHE_ROBUSTNESS === "1" */
  readonly robust?: boolean;
  /** Adapter name substring. @default process.env.LATHE_ADAPTER */
  readonly adapter?: string;
  /** Only try this Dawn backend. @default process.env.LATHE_BACKEND, else Vulkan then OpenGL ES */
  readonly backend?: BackendName;
}

const LIMITS = [
  "maxStorageBufferBindingSize", "maxBufferSize", "maxComputeWorkgroupStorageSize", "maxComputeInvocationsPerWorkgroup",
  "maxComputeWorkgroupSizeX", "maxComputeWorkgroupSizeY", "maxComputeWorkgroupSizeZ", "maxStorageBuffersPerShaderStage",
  "maxComputeWorkgroupsPerDimension", "maxUniformBufferBindingSize", "maxBindGroups", "maxTextureDimension2D",
] as const;
const FEATURES = ["shader-f16", "subgroups", "timestamp-query"] as const;

export const INSTALL_HINT =
  "install Mesa's software Vulkan driver (lavapipe, Mesa >= 25): on Debian 12 add bookworm-backports to the apt source " +
  "and run `sudo apt-get install -t bookworm-backports mesa-vulkan-drivers`; elsewhere `sudo apt-get install mesa-vulkan-drivers`; " +
  "or just run `bash scripts/setup.sh`";

/** lavapipe/llvmpipe and SwiftShader: adapters that run kernels on this machine's CPU cores. */
export function isSoftwareAdapterName(name: string): boolean {
  return /llvmpipe|lavapipe|swiftshader/i.test(name);
}

/**
 * On a software adapter the kernels run on lavapipe's worker threads (started with the adapter), sharing the cores
 * with the main thread, where Dawn busy-polls while a wait is pending. Lowering the main thread's priority to
 * nice 19 (Linux: setpriority on pid 0 changes only the calling thread; threads it starts later inherit it) leaves
 * the cores to the workers whenever both want them: matmul 1024^3 went from 27-34 to 36-46 GFLOP/s wall on 2
 * cores (bench/ablate.ts). A lone main thread still gets a whole core. LATHE_NICE=0 turns it off.
 */
function yieldCoresToWorkers(name: string): boolean {
  if (process.env.LATHE_NICE === "0" || !isSoftwareAdapterName(name)) return false;
  try {
    setPriority(0, 19);
    return true;
  } catch {
    return false;
  }
}

export function adapterName(a: GPUAdapter): string {
  const i = a.info;
  return `${i.vendor} ${i.architecture} ${i.description}`.replace(/\s+/g, " ").trim() || "unnamed adapter";
}

interface Probe {
  readonly backend: BackendName;
  readonly gpu: GPU;
  readonly adapter: GPUAdapter | null;
  readonly error?: string;
}

async function probe(backend: BackendName, robust: boolean, name: string | undefined): Promise<Probe> {
  const flags = [`backend=${backend}`];
  if (!robust) flags.push("enable-dawn-features=disable_robustness");
  if (name) flags.push(`adapter=${name}`);
  try {
    const create = await dawn();
    const gpu = create(flags);
    const opts = (backend === "opengles" ? { featureLevel: "compatibility" } : {}) as GPURequestAdapterOptions;
    const adapter = await gpu.requestAdapter(opts);
    return { backend, gpu, adapter };
  } catch (e) {
    return { backend, gpu: null as unknown as GPU, adapter: null, error: e instanceof Error ? e.message : String(e) };
  }
}

/** Find an adapter (Vulkan, then GL) and open a device on it with raised limits. */
export async function acquireDevice(opts: AcquireOptions = {}): Promise<AcquiredDevice> {
  const robust = opts.robust ?? process.env.LATHE_ROBUSTNESS === "1";
  const name = opts.adapter ?? process.env.LATHE_ADAPTER;
  const tried: string[] = [];
  const only = opts.backend ?? (process.env.LATHE_BACKEND as BackendName | undefined);
  for (const backend of only ? [only] : (["vulkan", "opengles"] as const)) {
    const p = await probe(backend, robust, name);
    if (!p.adapter) {
      const egl = backend === "opengles" && !process.env.EGL_PLATFORM ? " (headless GL needs EGL_PLATFORM=surfaceless in the environment before start)" : "";
      tried.push(`${backend}${name ? ` adapter~"${name}"` : ""}: ${p.error ?? "no adapter"}${egl}`);
      continue;
    }
    const lim = p.adapter.limits;
    const requiredLimits: Record<string, number> = {};
    for (const k of LIMITS) requiredLimits[k] = lim[k];
    const features = FEATURES.filter((f) => p.adapter!.features.has(f));
    const device = await p.adapter.requestDevice({ requiredLimits, requiredFeatures: features as GPUFeatureName[] });
    const nameOf = adapterName(p.adapter);
    return { device, adapter: p.adapter, backend, adapterName: nameOf, features, robust, gpu: p.gpu, niced: yieldCoresToWorkers(nameOf) };
  }
  const hint = name
    ? `LATHE_ADAPTER="${name}" matches no adapter: unset it, or use a substring of an adapter Dawn lists above. If none is listed, ${INSTALL_HINT}`
    : INSTALL_HINT;
  throw new NoAdapterError(tried, hint);
}

export interface DoctorReport {
  readonly ok: boolean;
  readonly adapter: string | null;
  readonly backend: BackendName | null;
  readonly robust: boolean;
  /** The main thread was lowered to nice 19 for a software adapter (see yieldCoresToWorkers). */
  readonly niced: boolean;
  readonly limits: Readonly<Record<string, number>>;
  readonly features: readonly string[];
  /** Every adapter feature, not only the ones Lathe asks for. */
  readonly adapterFeatures: readonly string[];
  readonly tried: readonly string[];
  /** Set when no adapter was found. */
  readonly installHint: string | null;
}

/** Probe the machine without keeping a device. */
export async function doctor(): Promise<DoctorReport> {
  try {
    const d = await acquireDevice();
    const limits: Record<string, number> = {};
    for (const k of LIMITS) limits[k] = d.device.limits[k];
    const report: DoctorReport = {
      ok: true, adapter: d.adapterName, backend: d.backend, robust: d.robust, niced: d.niced, limits, features: d.features,
      adapterFeatures: [...d.adapter.features].map(String).sort(), tried: [], installHint: null,
    };
    d.device.destroy();
    return report;
  } catch (e) {
    if (!(e instanceof NoAdapterError)) throw e;
    return { ok: false, adapter: null, backend: null, robust: false, niced: false, limits: {}, features: [], adapterFeatures: [], tried: e.tried, installHint: e.installHint };
  }
}

function mib(n: number): string {
  return n >= 2 ** 20 ? `${(n / 2 ** 20).toFixed(0)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(0)} KiB` : String(n);
}

/** Human-readable doctor report. */
export function formatDoctor(r: DoctorReport): string {
  if (!r.ok) return [`webgpu: no adapter`, ...r.tried.map((t) => `  tried ${t}`), `  fix: ${r.installHint}`].join("\n");
  const lines = [
    `webgpu: ${r.adapter}`,
    `  backend:    ${r.backend}${r.backend === "opengles" ? " (compatibility mode)" : ""}`,
    `  robustness: ${r.robust ? "on (LATHE_ROBUSTNESS=1)" : "off (disable_robustness)"}`,
    ...(r.niced ? [`  cpu:        software adapter: the main thread runs at nice 19 so Dawn's waits leave the cores to its workers (LATHE_NICE=0: off)`] : []),
    `  features:   ${r.features.join(", ") || "(none of shader-f16, subgroups, timestamp-query)"}`,
    `  limits:`,
    ...Object.entries(r.limits).map(([k, v]) => `    ${k.padEnd(36)} ${/Size$/.test(k) ? mib(v) : v}`),
  ];
  return lines.join("\n");
}
