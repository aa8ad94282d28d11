// Compiles one WGSL kernel and dispatches it once, so GALLIVM_DEBUG=asm MESA_SHADER_CACHE_DISABLE=true prints its code.
// Run: MESA_SHADER_CACHE_DISABLE=true GALLIVM_DEBUG=asm bun packages/gpu/bench/asm-dump.ts <file.wgsl> > out.txt
import { openRawDevice } from "./raw-device.ts";

const code = await Bun.file(process.argv[2]!).text();
const raw = await openRawDevice();
if (!raw) throw new Error("no adapter");
const dev = raw.device;
const module = dev.createShaderModule({ code });
const info = await module.getCompilationInfo();
for (const m of info.messages) console.error(`${m.type} ${m.lineNum}:${m.linePos} ${m.message}`);
const pipeline = dev.createComputePipeline({ layout: "auto", compute: { module, entryPoint: "main" } });
const S = GPUBufferUsage.STORAGE;
const entries: GPUBindGroupEntry[] = [];
for (let b = 0; b < 5; b++) {
  const usage = b === 4 ? GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST : S;
  const buffer = dev.createBuffer({ size: b === 4 ? 256 : 1 << 20, usage });
  if (b === 4) dev.queue.writeBuffer(buffer, 0, new Uint32Array([64, 64, 64, 0, 0, 0, 0, 0]));
  entries.push({ binding: b, resource: { buffer } });
}
dev.pushErrorScope("validation");
const bg = dev.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: entries.filter((e) => code.includes(`@binding(${e.binding})`)) });
const enc = dev.createCommandEncoder();
const pass = enc.beginComputePass();
pass.setPipeline(pipeline);
pass.setBindGroup(0, bg);
pass.dispatchWorkgroups(1);
pass.end();
dev.queue.submit([enc.finish()]);
await dev.queue.onSubmittedWorkDone();
const err = await dev.popErrorScope();
if (err) console.error(err.message);
raw.destroy();
process.exit(0);
