// Micro-probes of lavapipe's cost model: how many per-lane operations per second a loop body sustains (256
// workgroups of 64 invocations, ITERS iterations of UNROLL copies of the body). Prints one line per probe and a
// JSON object of G lane-ops/s. Run: bun packages/gpu/bench/probe.ts [--only name,name] [--fast]
// What it showed on the 2-core EPYC (G lane-ops per CPU-second): storage loads ~0.2 (vec4) / ~0.8 (f32), the same
// for uniform and per-lane addresses (lavapipe takes its scalar fast path only for constant offsets); workgroup
// memory ~0.35-0.4 (vec4); uniform buffer ~0.55 (vec4); texel fetch ~0.3 (vec4) here, but in the matmul, where
// fetch results feed many FMAs, textures beat storage buffers by ~1.7x (bench/ablate.ts); subgroupBroadcast ~5.4.
// GALLIVM_DEBUG=asm with MESA_SHADER_CACHE_DISABLE=true prints the code (bench/asm-dump.ts): a storage load is,
// per lane and per float, an exec-mask test, a bounds check against the descriptor's size and an insert, ~11
// instructions; fma is split into vmulps + vaddps. Arithmetic probes are easy to fool: lavapipe's LLVM
// reassociates, so loop-invariant operands get folded; only "fma" (dependent chains) is kept here.
import { openRawDevice } from "./raw-device.ts";

interface Probe {
  name: string;
  /** Body executed ITER times per invocation; `ops` counts the unit operations it performs per iteration. */
  decl?: string;
  body: string;
  ops: number;
  pre?: string;
  post: string;
}

const ACC = [...Array(8).keys()];
const accDecl = ACC.map((i) => `var acc${i} = vec4f(f32(lid.x + ${i}u));`).join("\n  ");
const accSum = `out4[gid.x] = ${ACC.map((i) => `acc${i}`).join(" + ")};`;

const U = Number(process.env.UNROLL ?? 16);
const rep = (f: (j: number) => string) => [...Array(U).keys()].map(f).join("\n    ");
const accRep = (f: (i: number, j: number) => string) => rep((j) => ACC.map((i) => f(i, j)).join(" "));

const probes: Probe[] = [
  { name: "fma", pre: accDecl, body: accRep((i) => `acc${i} = fma(acc${i}, c1, c2);`), ops: 32 * U, post: accSum },
  { name: "bcast-only", pre: accDecl, body: accRep((i, j) => `acc${i}.x += subgroupBroadcast(acc${(i + 1) % 8}.${"xyzw"[j % 4]}, ${j % 8}u);`), ops: 8 * U, post: accSum },
  { name: "load-div-vec4", pre: "var s = vec4f(0.0);", body: rep((j) => `s += A4[((it * ${U}u + ${j}u) * 8u + lid.x) & 1023u];`), ops: U, post: "out4[gid.x] = s;" },
  { name: "load-div-f32", pre: "var s = 0.0;", body: rep((j) => `s += A1[((it * ${U}u + ${j}u) * 8u + lid.x) & 4095u];`), ops: U, post: "out4[gid.x] = vec4f(s);" },
  { name: "load-uni-vec4", pre: "var s = vec4f(0.0);", body: rep((j) => `s += A4[(it * ${U}u + ${j}u) & 1023u];`), ops: U, post: "out4[gid.x] = s;" },
  { name: "load-uni-f32", pre: "var s = 0.0;", body: rep((j) => `s += A1[(it * ${U}u + ${j}u) & 4095u];`), ops: U, post: "out4[gid.x] = vec4f(s);" },
  { name: "load-wid-vec4", pre: "var s = vec4f(0.0);", body: rep((j) => `s += A4[wid.x * ${U}u + ${j}u];`), ops: U, post: "out4[gid.x] = s;" },
  { name: "load-wid-f32", pre: "var s = 0.0;", body: rep((j) => `s += A1[wid.x * ${U}u + ${j}u];`), ops: U, post: "out4[gid.x] = vec4f(s);" },
  { name: "tex-div-vec4", pre: "var s = vec4f(0.0);", body: rep((j) => `s += textureLoad(T, vec2u(lid.x, (it * ${U}u + ${j}u) & 63u), 0);`), ops: U, post: "out4[gid.x] = s;" },
  { name: "tex-div2-vec4", pre: "var s = vec4f(0.0);", body: rep((j) => `s += textureLoad(T, vec2u((it * ${U}u + ${j}u + lid.x) & 63u, lid.x), 0);`), ops: U, post: "out4[gid.x] = s;" },
  { name: "tex-uni-vec4", pre: "var s = vec4f(0.0);", body: rep((j) => `s += textureLoad(T, vec2u(${j}u, it & 63u), 0);`), ops: U, post: "out4[gid.x] = s;" },
  { name: "ubo-div-vec4", pre: "var s = vec4f(0.0);", body: rep((j) => `s += Ub.v[((it * ${U}u + ${j}u) * 8u + lid.x) & 1023u];`), ops: U, post: "out4[gid.x] = s;" },
  { name: "ubo-uni-vec4", pre: "var s = vec4f(0.0);", body: rep((j) => `s += Ub.v[(it * ${U}u + ${j}u) & 1023u];`), ops: U, post: "out4[gid.x] = s;" },
  {
    name: "wg-div-vec4",
    decl: "var<workgroup> W: array<vec4f, 2048>;",
    pre: "var s = vec4f(0.0); W[lid.x] = A4[lid.x]; workgroupBarrier();",
    body: rep((j) => `s += W[((it * ${U}u + ${j}u) * 8u + lid.x) & 2047u];`),
    ops: U,
    post: "out4[gid.x] = s;",
  },
  {
    name: "wg-uni-vec4",
    decl: "var<workgroup> W: array<vec4f, 2048>;",
    pre: "var s = vec4f(0.0); W[lid.x] = A4[lid.x]; workgroupBarrier();",
    body: rep((j) => `s += W[(it * ${U}u + ${j}u) & 2047u];`),
    ops: U,
    post: "out4[gid.x] = s;",
  },
];

function wgsl(p: Probe, iters: number): string {
  return `enable subgroups;
diagnostic(off, subgroup_uniformity);
@group(0) @binding(0) var<storage, read_write> out4: array<vec4f>;
@group(0) @binding(1) var<storage, read> A4: array<vec4f>;
@group(0) @binding(2) var<storage, read> A1: array<f32>;
@group(0) @binding(3) var T: texture_2d<f32>;
struct UB { v: array<vec4f, 1024> }
@group(0) @binding(4) var<uniform> Ub: UB;
${p.decl ?? ""}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let c1 = vec4f(1.0001 + f32(lid.x) * 1e-7);
  let c2 = vec4f(1e-6);
  ${p.pre ?? ""}
  for (var it = 0u; it < ${iters}u; it++) {
    ${p.body}
  }
  ${p.post}
  if (gid.x == 9999999u) { out4[0] = A4[0] + vec4f(A1[0]) + textureLoad(T, vec2u(0u), 0) + Ub.v[0]; }
}`;
}

const only = (() => {
  const i = process.argv.indexOf("--only");
  return i >= 0 ? process.argv[i + 1]!.split(",") : null;
})();
const raw = await openRawDevice({ robust: !process.argv.includes("--fast") });
if (!raw) throw new Error("no adapter");
const dev = raw.device;
const ITERS = Number(process.env.ITERS ?? 256);
const GROUPS = 256;
const S = GPUBufferUsage.STORAGE;
const out = dev.createBuffer({ size: GROUPS * 64 * 16, usage: S });
const big = dev.createBuffer({ size: ITERS * U * 64 * 16 + 4096, usage: S });
const results: Record<string, number> = {};
const tex = dev.createTexture({ size: [64, 64], format: "rgba32float", usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST });
const ubo = dev.createBuffer({ size: 16384, usage: GPUBufferUsage.UNIFORM });
for (const p of probes) {
  if (only && !only.includes(p.name)) continue;
  const module = dev.createShaderModule({ code: wgsl(p, ITERS) });
  const info = await module.getCompilationInfo();
  const errs = info.messages.filter((m) => m.type === "error");
  if (errs.length) throw new Error(`${p.name}: ${errs.map((e) => `${e.lineNum}:${e.linePos} ${e.message}`).join("; ")}`);
  const pipeline = dev.createComputePipeline({ layout: "auto", compute: { module, entryPoint: "main" } });
  const bg = dev.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [
      { binding: 0, resource: { buffer: out } },
      { binding: 1, resource: { buffer: big } },
      { binding: 2, resource: { buffer: big } },
      { binding: 3, resource: tex.createView() },
      { binding: 4, resource: { buffer: ubo } },
    ],
  });
  const go = async (groups: number) => {
    const enc = dev.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bg);
    pass.dispatchWorkgroups(groups);
    pass.end();
    dev.queue.submit([enc.finish()]);
    await dev.queue.onSubmittedWorkDone();
  };
  await go(2);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await go(GROUPS);
  const dt = (performance.now() - t0) / 1000;
  const cu = process.cpuUsage(c0);
  const lanesOps = GROUPS * 64 * ITERS * p.ops;
  results[p.name] = +(lanesOps / dt / 1e9).toFixed(2);
  console.error(`${p.name.padEnd(24)} ${(lanesOps / dt / 1e9).toFixed(2)} G lane-ops/s  (${(lanesOps / ((cu.user + cu.system) / 1e6) / 1e9).toFixed(2)} per CPU-s)`);
}
console.log(JSON.stringify(results));
raw.destroy();
process.exit(0);
