// Exit 0 when Dawn finds a WebGPU adapter (Vulkan, then GL compatibility), 1 when it finds none.
// Run: bun scripts/has-adapter.ts   (used by scripts/setup.sh before installing a software driver)
import { create, globals } from "webgpu";

Object.assign(globalThis, globals);

async function probe(flags: string[], options: GPURequestAdapterOptions): Promise<string | null> {
  const gpu = create(flags);
  const adapter = await gpu.requestAdapter(options);
  if (!adapter) return null;
  const info = adapter.info;
  return `${info.vendor} ${info.architecture} ${info.description}`.trim() || "unnamed adapter";
}

const found =
  (await probe(["backend=vulkan"], {})) ??
  (process.env.EGL_PLATFORM ? null : await probe(["backend=opengles"], { featureLevel: "compatibility" } as GPURequestAdapterOptions));
if (found) {
  console.log(`webgpu adapter: ${found}`);
  process.exit(0);
}
console.log("no webgpu adapter found");
process.exit(1);
