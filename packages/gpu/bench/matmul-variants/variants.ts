// Matmul kernel variants for lavapipe tuning (llm.c dev/cuda style): each variant is WGSL + a dispatch shape.
// All compute C(M,N) = A(M,K) · B(K,N) in f32, row-major; run.ts validates them against the CPU reference and times them.
// Variants whose name ends in "-at" read A pre-transposed, i.e. AT(K,M).

export interface Variant {
  readonly name: string;
  readonly note: string;
  /** True when the kernel reads A transposed, AT (K,M). */
  readonly aTransposed: boolean;
  /** Whether the variant handles this shape (fast variants require tile-aligned sizes). */
  supports(m: number, n: number, k: number): boolean;
  wgsl(): string;
  workgroups(m: number, n: number, k: number): [number, number, number];
}

const header = `
struct P { M: u32, N: u32, K: u32, pad: u32 }
@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read> B: array<f32>;
@group(0) @binding(2) var<storage, read_write> C: array<f32>;
@group(0) @binding(3) var<uniform> p: P;
`;

/** v1: one output per invocation, 16x16 workgroup. */
const naive: Variant = {
  name: "v1-naive",
  note: "one output per invocation, 16x16 workgroups",
  aTransposed: false,
  supports: () => true,
  wgsl: () => `${header}
@compute @workgroup_size(16, 16)
fn main(@builtin(global_invocation_id) g: vec3u) {
  let i = g.y; let j = g.x;
  if (i >= p.M || j >= p.N) { return; }
  var s = 0.0;
  for (var k = 0u; k < p.K; k++) { s = fma(A[i * p.K + k], B[k * p.N + j], s); }
  C[i * p.N + j] = s;
}`,
  workgroups: (m, n) => [Math.ceil(n / 16), Math.ceil(m / 16), 1],
};

/** v2: 4x4 outputs per invocation with vec4 loads and named vec4 accumulators (the WEBGPU-NOTES baseline). */
const vec4x4: Variant = {
  name: "v2-vec4-4x4",
  note: "4x4 outputs per invocation, vec4 loads of A along k and of B along n, named vec4 accumulators, 8x8 workgroups",
  aTransposed: false,
  supports: (m, n, k) => m % 4 === 0 && n % 4 === 0 && k % 4 === 0,
  wgsl: () => `
struct P { M: u32, N: u32, K: u32, pad: u32 }
@group(0) @binding(0) var<storage, read> A: array<vec4f>;
@group(0) @binding(1) var<storage, read> B: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> C: array<vec4f>;
@group(0) @binding(3) var<uniform> p: P;
@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) g: vec3u) {
  let r = g.y * 4u; let c4 = g.x;
  if (r >= p.M || c4 * 4u >= p.N) { return; }
  let K4 = p.K / 4u; let N4 = p.N / 4u;
  var c0 = vec4f(0.0); var c1 = vec4f(0.0); var c2 = vec4f(0.0); var c3 = vec4f(0.0);
  for (var k4 = 0u; k4 < K4; k4++) {
    let a0 = A[(r + 0u) * K4 + k4]; let a1 = A[(r + 1u) * K4 + k4];
    let a2 = A[(r + 2u) * K4 + k4]; let a3 = A[(r + 3u) * K4 + k4];
    let kk = k4 * 4u;
    let b0 = B[(kk + 0u) * N4 + c4]; let b1 = B[(kk + 1u) * N4 + c4];
    let b2 = B[(kk + 2u) * N4 + c4]; let b3 = B[(kk + 3u) * N4 + c4];
    c0 += a0.x * b0 + a0.y * b1 + a0.z * b2 + a0.w * b3;
    c1 += a1.x * b0 + a1.y * b1 + a1.z * b2 + a1.w * b3;
    c2 += a2.x * b0 + a2.y * b1 + a2.z * b2 + a2.w * b3;
    c3 += a3.x * b0 + a3.y * b1 + a3.z * b2 + a3.w * b3;
  }
  C[(r + 0u) * N4 + c4] = c0; C[(r + 1u) * N4 + c4] = c1;
  C[(r + 2u) * N4 + c4] = c2; C[(r + 3u) * N4 + c4] = c3;
}`,
  workgroups: (m, n) => [Math.ceil(n / 4 / 8), Math.ceil(m / 4 / 8), 1],
};

export interface BcastOpts {
  readonly mr: number; // rows per invocation (uniform across the workgroup: loads of A are scalar broadcasts)
  readonly nr: number; // columns per invocation, strided by the workgroup size (loads of B are lane-contiguous gathers)
  readonly wg: number; // invocations per workgroup, all along n
  readonly unroll: number; // k-loop unroll factor
  readonly aT: boolean; // A pre-transposed (K,M): the MR values per k are contiguous
}

/** v3+: "broadcast-A" register blocking: lanes span columns, rows are workgroup-uniform, so A loads are scalar. */
export function bcast(name: string, o: BcastOpts): Variant {
  const { mr, nr, wg, unroll, aT } = o;
  const R = [...Array(mr).keys()];
  const Cs = [...Array(nr).keys()];
  const acc = (r: number, c: number) => `acc${r}_${c}`;
  const step = (off: string) => {
    const lines: string[] = [];
    for (const c of Cs) lines.push(`let b${c} = B[bk${off} + col${c}];`);
    for (const r of R) {
      lines.push(aT ? `let a${r} = A[ak${off} + ${r}u];` : `let a${r} = A[arow${r} + k${off}];`);
      for (const c of Cs) lines.push(`${acc(r, c)} = fma(a${r}, b${c}, ${acc(r, c)});`);
    }
    return lines.join("\n      ");
  };
  const body: string[] = [];
  for (let u = 0; u < unroll; u++) {
    const off = `_${u}`;
    body.push(`{ let k${off} = k + ${u}u; let bk${off} = k${off} * p.N;${aT ? ` let ak${off} = k${off} * p.M + row0;` : ""}`);
    body.push(step(off) + " }");
  }
  const src = `${header}
@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let row0 = wid.y * ${mr}u;
  let colBase = wid.x * ${wg * nr}u + lid.x;
  ${Cs.map((c) => `let col${c} = colBase + ${c * wg}u;`).join(" ")}
  ${aT ? "" : R.map((r) => `let arow${r} = (row0 + ${r}u) * p.K;`).join(" ")}
  ${R.map((r) => Cs.map((c) => `var ${acc(r, c)} = 0.0;`).join(" ")).join("\n  ")}
  for (var k = 0u; k < p.K; k += ${unroll}u) {
      ${body.join("\n      ")}
  }
  ${R.map((r) => Cs.map((c) => `C[(row0 + ${r}u) * p.N + col${c}] = ${acc(r, c)};`).join(" ")).join("\n  ")}
}`;
  return {
    name,
    note: `broadcast-A: ${mr}x${nr} outputs per invocation, workgroup ${wg} along n, k unrolled x${unroll}${aT ? ", A pre-transposed" : ""}`,
    aTransposed: aT,
    supports: (m, n, k) => m % mr === 0 && n % (wg * nr) === 0 && k % unroll === 0,
    wgsl: () => src,
    workgroups: (m, n) => [n / (wg * nr), m / mr, 1],
  };
}

export const variants: Variant[] = [
  naive,
  vec4x4,
  bcast("v3-bcast-8x2", { mr: 8, nr: 2, wg: 64, unroll: 1, aT: false }),
  bcast("v4-bcast-16x1", { mr: 16, nr: 1, wg: 64, unroll: 1, aT: false }),
  bcast("v5-bcast-8x2-u4", { mr: 8, nr: 2, wg: 64, unroll: 4, aT: false }),
  bcast("v6-bcast-8x2-u4-at", { mr: 8, nr: 2, wg: 64, unroll: 4, aT: true }),
  bcast("v7-bcast-4x4-u4-at", { mr: 4, nr: 4, wg: 64, unroll: 4, aT: true }),
  bcast("v8-bcast-16x1-u4-at", { mr: 16, nr: 1, wg: 64, unroll: 4, aT: true }),
];

export interface SgOpts {
  readonly mr: number; // rows per invocation; all lanes of a subgroup share them, A arrives by subgroupBroadcast
  readonly wg: number; // invocations per workgroup along n; each owns 4 consecutive columns (one vec4 of B)
  readonly sg: number; // subgroup size the kernel is written for (llvmpipe: 8 lanes of 256-bit vectors)
}

/**
 * v10+: subgroup-broadcast A. Each lane loads one vec4 of A per row (4 consecutive k) for a chunk of 4*sg k's;
 * the subgroup shares them with subgroupBroadcast (register shuffles), so each lane's only own loads are its
 * vec4 of B per k. On llvmpipe every SSBO load is a per-lane loop, so loads, not FMAs, set the speed.
 */
export function sgBcast(name: string, o: SgOpts): Variant {
  const { mr, wg, sg } = o;
  const R = [...Array(mr).keys()];
  const chunk = 4 * sg;
  const lines: string[] = [];
  for (const r of R) lines.push(`let av${r} = A4[arow${r} + k4 + lane];`);
  const comp = ["x", "y", "z", "w"];
  for (let kk = 0; kk < chunk; kk++) {
    lines.push(`{ let b = B4[(k + ${kk}u) * n4 + col4];`);
    for (const r of R) lines.push(`  acc${r} = fma(vec4f(subgroupBroadcast(av${r}.${comp[kk % 4]}, ${Math.floor(kk / 4)}u)), b, acc${r});`);
    lines.push("}");
  }
  const src = `enable subgroups;
struct P { M: u32, N: u32, K: u32, pad: u32 }
@group(0) @binding(0) var<storage, read> A4: array<vec4f>;
@group(0) @binding(1) var<storage, read> B4: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> C4: array<vec4f>;
@group(0) @binding(3) var<uniform> p: P;
@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u, @builtin(subgroup_invocation_id) lane: u32) {
  let row0 = wid.y * ${mr}u;
  let n4 = p.N / 4u; let k4n = p.K / 4u;
  let col4 = wid.x * ${wg}u + lid.x;
  ${R.map((r) => `let arow${r} = (row0 + ${r}u) * k4n; var acc${r} = vec4f(0.0);`).join("\n  ")}
  for (var k = 0u; k < p.K; k += ${chunk}u) {
    let k4 = k / 4u;
    ${lines.join("\n    ")}
  }
  ${R.map((r) => `C4[(row0 + ${r}u) * n4 + col4] = acc${r};`).join("\n  ")}
}`;
  return {
    name,
    note: `subgroup-broadcast A: ${mr}x4 outputs per invocation (vec4 B), A shared by subgroupBroadcast over ${chunk} k, workgroup ${wg}`,
    aTransposed: false,
    supports: (m, n, k) => m % mr === 0 && n % (4 * wg) === 0 && k % chunk === 0,
    wgsl: () => src,
    workgroups: (m, n) => [n / (4 * wg), m / mr, 1],
  };
}

variants.push(
  sgBcast("v10-sg-4x4", { mr: 4, wg: 64, sg: 8 }),
  sgBcast("v12-sg-8x4", { mr: 8, wg: 64, sg: 8 }),
  sgBcast("v13-sg-8x4-wg32", { mr: 8, wg: 32, sg: 8 }),
);

variants.push(
  sgBcast("v15-sg-16x4-wg32", { mr: 16, wg: 32, sg: 8 }),
  sgBcast("v16-sg-8x4-wg16", { mr: 8, wg: 16, sg: 8 }),
);

/**
 * v17+: v13 plus B staged in workgroup memory: `rg` row groups of 8 rows share one 32 k x 128 column tile of B,
 * so each invocation issues 1/rg of the storage loads and reads the rest from workgroup memory (two barriers a chunk).
 */
export function sgShared(name: string, rg: number, mr = 8): Variant {
  const R = [...Array(mr).keys()];
  const comp = ["x", "y", "z", "w"];
  const lines: string[] = [];
  lines.push(`for (var s = 0u; s < ${32 / rg}u; s++) { let idx = s * ${32 * rg}u + tid; Bs[idx] = B4[(k + idx / 32u) * n4 + wid.x * 32u + idx % 32u]; }`);
  lines.push("workgroupBarrier();");
  for (const r of R) lines.push(`let av${r} = A4[arow${r} + k4 + lane];`);
  for (let kk = 0; kk < 32; kk++) {
    lines.push(`{ let b = Bs[${kk * 32}u + lid.x];`);
    for (const r of R) lines.push(`  acc${r} = fma(vec4f(subgroupBroadcast(av${r}.${comp[kk % 4]}, ${kk >> 2}u)), b, acc${r});`);
    lines.push("}");
  }
  lines.push("workgroupBarrier();");
  const src = `enable subgroups;
diagnostic(off, subgroup_uniformity);
struct P { M: u32, N: u32, K: u32, pad: u32 }
@group(0) @binding(0) var<storage, read> A4: array<vec4f>;
@group(0) @binding(1) var<storage, read> B4: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> C4: array<vec4f>;
@group(0) @binding(3) var<uniform> p: P;
var<workgroup> Bs: array<vec4f, 1024>;
@compute @workgroup_size(32, ${rg})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u, @builtin(subgroup_invocation_id) sl: u32) {
  let lane = sl & 7u;
  let tid = lid.y * 32u + lid.x;
  let row0 = wid.y * ${mr * rg}u + lid.y * ${mr}u;
  let n4 = p.N / 4u; let k4n = p.K / 4u;
  let col4 = wid.x * 32u + lid.x;
  ${R.map((r) => `let arow${r} = (row0 + ${r}u) * k4n; var acc${r} = vec4f(0.0);`).join("\n  ")}
  for (var k = 0u; k < p.K; k += 32u) {
    let k4 = k / 4u;
    ${lines.join("\n    ")}
  }
  ${R.map((r) => `C4[(row0 + ${r}u) * n4 + col4] = acc${r};`).join("\n  ")}
}`;
  return {
    name,
    note: `v13 + B tile (32 k x 128 columns) staged in workgroup memory, shared by ${rg} row groups of ${mr} rows; barriers per 32 k`,
    aTransposed: false,
    supports: (m, n, k) => m % (mr * rg) === 0 && n % 128 === 0 && k % 32 === 0,
    wgsl: () => src,
    workgroups: (m, n) => [n / 128, m / (mr * rg), 1],
  };
}

variants.push(sgShared("v17-sg-shared-rg2", 2), sgShared("v18-sg-shared-rg4", 4));
variants.push(sgShared("v19-sg-shared-16x4-rg2", 2, 16), sgShared("v20-sg-shared-16x4-rg4", 4, 16));
variants.push(sgShared("v21-sg-shared-32x4-rg2", 2, 32), sgShared("v22-sg-shared-16x4-rg8", 8, 16));
variants.push(sgShared("v23-sg-shared-32x4-rg4", 4, 32), sgShared("v24-sg-shared-64x4-rg2", 2, 64));
variants.push(sgShared("v25-sg-shared-128x4-rg1", 1, 128), sgShared("v26-sg-shared-64x4-rg4", 4, 64));

export interface Sg2Opts {
  readonly mr: number; // rows per invocation
  readonly rg: number; // row groups per workgroup
  readonly cols: 4 | 8; // columns per invocation: one vec4 of B, or two (col4 and col4 + 32)
  readonly split: boolean; // 16-lane subgroups (LP_NATIVE_VECTOR_WIDTH=512): lanes 8..15 load the second half of the rows
  readonly rowOuter: boolean; // emit each row's 32 k steps together (accumulator stays live) instead of k-outer
}

/**
 * v30+: v21 generalised: 8 columns per invocation (each broadcast A value feeds two vec4 FMAs, B tile 32 k x 256
 * columns = 32 KiB), optional 16-lane A loads (half the A load instructions when subgroups are 16 wide), and row-outer
 * emission order. Correct only with 16-lane subgroups when `split`.
 */
export function sgShared2(name: string, o: Sg2Opts): Variant {
  const { mr, rg, cols, split, rowOuter } = o;
  const nv = cols / 4; // vec4 columns per invocation
  const tileV = 32 * 32 * nv; // vec4s of B per chunk
  const R = [...Array(mr).keys()];
  const half = mr / 2;
  const comp = ["x", "y", "z", "w"];
  const lines: string[] = [];
  lines.push(`for (var s = 0u; s < ${tileV / (32 * rg)}u; s++) { let idx = s * ${32 * rg}u + tid; Bs[idx] = B4[(k + idx / ${32 * nv}u) * n4 + wid.x * ${32 * nv}u + idx % ${32 * nv}u]; }`);
  lines.push("workgroupBarrier();");
  const aReg = (r: number) => (split ? `av${r % half}` : `av${r}`);
  const aLane = (r: number, kk: number) => (split && r >= half ? 8 : 0) + (kk >> 2);
  if (split) for (let r = 0; r < half; r++) lines.push(`let av${r} = A4[select(arow${r}, arow${r + half}, hi) + k4 + lane];`);
  else for (const r of R) lines.push(`let av${r} = A4[arow${r} + k4 + lane];`);
  const step = (r: number, kk: number) => {
    const a = `vec4f(subgroupBroadcast(${aReg(r)}.${comp[kk % 4]}, ${aLane(r, kk)}u))`;
    const out = [`acc${r}_0 = fma(${a}, b${kk}_0, acc${r}_0);`];
    if (nv === 2) out.push(`acc${r}_1 = fma(${a}, b${kk}_1, acc${r}_1);`);
    return out.join(" ");
  };
  const bload = (kk: number) => `let b${kk}_0 = Bs[${kk * 32 * nv}u + lid.x];` + (nv === 2 ? ` let b${kk}_1 = Bs[${kk * 64 + 32}u + lid.x];` : "");
  if (rowOuter) {
    for (let kk = 0; kk < 32; kk++) lines.push(bload(kk));
    for (const r of R) for (let kk = 0; kk < 32; kk++) lines.push(step(r, kk));
  } else {
    for (let kk = 0; kk < 32; kk++) { lines.push(`{ ${bload(kk)}`); for (const r of R) lines.push("  " + step(r, kk)); lines.push("}"); }
  }
  lines.push("workgroupBarrier();");
  const accs = R.map((r) => [...Array(nv).keys()].map((c) => `var acc${r}_${c} = vec4f(0.0);`).join(" "));
  const stores = R.flatMap((r) => [...Array(nv).keys()].map((c) => `C4[(row0 + ${r}u) * n4 + col4 + ${c * 32}u] = acc${r}_${c};`));
  const src = `enable subgroups;
diagnostic(off, subgroup_uniformity);
struct P { M: u32, N: u32, K: u32, pad: u32 }
@group(0) @binding(0) var<storage, read> A4: array<vec4f>;
@group(0) @binding(1) var<storage, read> B4: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> C4: array<vec4f>;
@group(0) @binding(3) var<uniform> p: P;
var<workgroup> Bs: array<vec4f, ${tileV}>;
@compute @workgroup_size(32, ${rg})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u, @builtin(subgroup_invocation_id) sl: u32) {
  let lane = sl & 7u;
  let hi = (sl & 8u) != 0u;
  let tid = lid.y * 32u + lid.x;
  let row0 = wid.y * ${mr * rg}u + lid.y * ${mr}u;
  let n4 = p.N / 4u; let k4n = p.K / 4u;
  let col4 = wid.x * ${32 * nv}u + lid.x;
  ${R.map((r) => `let arow${r} = (row0 + ${r}u) * k4n;`).join(" ")}
  ${accs.join("\n  ")}
  for (var k = 0u; k < p.K; k += 32u) {
    let k4 = k / 4u;
    ${lines.join("\n    ")}
  }
  ${stores.join("\n  ")}
}`;
  return {
    name,
    note: `v21 generalised: ${mr} rows x ${cols} cols per invocation, ${rg} row groups, B tile 32 k x ${128 * nv} cols${split ? ", 16-lane A loads (correct only with 16-lane subgroups: LP_NATIVE_VECTOR_WIDTH=512)" : ""}${rowOuter ? ", row-outer order" : ""}`,
    aTransposed: false,
    supports: (m, n, k) => m % (mr * rg) === 0 && n % (128 * nv) === 0 && k % 32 === 0,
    wgsl: () => src,
    workgroups: (m, n) => [n / (128 * nv), m / (mr * rg), 1],
  };
}

variants.push(
  sgShared2("v30-32x4-rg2", { mr: 32, rg: 2, cols: 4, split: false, rowOuter: false }),
  sgShared2("v31-16x8-rg2", { mr: 16, rg: 2, cols: 8, split: false, rowOuter: false }),
  sgShared2("v32-32x8-rg2", { mr: 32, rg: 2, cols: 8, split: false, rowOuter: false }),
  sgShared2("v33-8x8-rg4", { mr: 8, rg: 4, cols: 8, split: false, rowOuter: false }),
  sgShared2("v34-32x4-rg2-rowouter", { mr: 32, rg: 2, cols: 4, split: false, rowOuter: true }),
  sgShared2("v40-sg16-32x4-rg2", { mr: 32, rg: 2, cols: 4, split: true, rowOuter: false }),
  sgShared2("v41-sg16-32x8-rg2", { mr: 32, rg: 2, cols: 8, split: true, rowOuter: false }),
  sgShared2("v42-sg16-16x8-rg2", { mr: 16, rg: 2, cols: 8, split: true, rowOuter: false }),
);
variants.push(
  sgShared2("v35-32x4-rg4-rowouter", { mr: 32, rg: 4, cols: 4, split: false, rowOuter: true }),
  sgShared2("v36-16x4-rg4-rowouter", { mr: 16, rg: 4, cols: 4, split: false, rowOuter: true }),
  sgShared2("v43-sg16-32x4-rg2-rowouter", { mr: 32, rg: 2, cols: 4, split: true, rowOuter: true }),
);
variants.push(
  sgShared2("v37-64x4-rg2-rowouter", { mr: 64, rg: 2, cols: 4, split: false, rowOuter: true }),
  sgShared2("v38-32x4-rg8-rowouter", { mr: 32, rg: 8, cols: 4, split: false, rowOuter: true }),
  sgShared2("v39-16x8-rg4-rowouter", { mr: 16, rg: 4, cols: 8, split: false, rowOuter: true }),
);
variants.push(sgShared2("v44-64x4-rg4-rowouter", { mr: 64, rg: 4, cols: 4, split: false, rowOuter: true }));
