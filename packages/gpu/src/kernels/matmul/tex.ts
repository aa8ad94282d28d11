// Expands tex.wgsl for a given block: ROWS rows x 4*CV columns per invocation, the row loop and the 32 k steps of
// a chunk unrolled at source level (subgroupBroadcast takes a constant lane; lavapipe keeps named values in
// registers but spills arrays). Blocks measured at 1024^3 on lavapipe (bench/ablate.ts with bench/tex-variants.ts,
// GFLOP/s from timestamp queries, +-10% run to run): 16 x 8 45.5, 32 x 8 47.8, 48 x 8 52.3, 24 x 12 50.8,
// 32 x 12 52.1, 16 x 16 44.8, 32 x 16 49.0, against 28 for fast.wgsl; compile time grows with the block (48 x 8
// 5 s, 32 x 16 10 s, 32 x 8 2.5 s). 24 x 12 is used when N is a multiple of 96 (no wasted columns), else 32 x 8.
import template from "./tex.wgsl" with { type: "text" };

/** A block shape: rows per invocation and vec4 columns per lane. */
export interface TexBlock {
  readonly rows: number;
  readonly cv: number;
}
export const TEX_WIDE: TexBlock = { rows: 24, cv: 3 };
export const TEX_NARROW: TexBlock = { rows: 32, cv: 2 };

/** The block for an output of N columns. */
export function texBlock(N: number): TexBlock {
  return N % (32 * TEX_WIDE.cv) === 0 ? TEX_WIDE : TEX_NARROW;
}

const COMP = ["x", "y", "z", "w"] as const;

/**
 * Operand layouts in the textures. aT: At holds Aᵀ as copied from a (K, M) buffer, texel (m/4, k) = A[m..m+3, k]
 * (M a multiple of 4). bT: Bt holds Bᵀ as copied from an (N, K) buffer, texel (k/4, n) = B[k..k+3, n]. Either way
 * a chunk of 32 k costs the same texel fetches; the transposed forms let matmul.ts copy transposed operands
 * (backward products) instead of running pack.wgsl over them.
 */
export interface TexLayout {
  readonly aT: boolean;
  readonly bT: boolean;
}

/** What the store does besides writing C (see tex.wgsl). */
export type TexEpilogue = "none" | "gelu" | "dgelu";

/** GELU (tanh approximation) and its derivative, as activation.wgsl computes them. */
const GELU_FNS = `
const GELU_K = 0.7978845608028654;
fn tanhS(u: f32) -> f32 { let e = exp(-2.0 * abs(u)); return sign(u) * (1.0 - e) / (1.0 + e); }
fn gelu1(v: f32) -> f32 { return 0.5 * v * (1.0 + tanhS(GELU_K * (v + 0.044715 * v * v * v))); }
fn dgelu1(v: f32) -> f32 {
  let th = tanhS(GELU_K * (v + 0.044715 * v * v * v));
  return 0.5 * (1.0 + th) + 0.5 * v * (1.0 - th * th) * GELU_K * (1.0 + 3.0 * 0.044715 * v * v);
}
`;

/**
 * The kernel for a block and operand layout. colSums: it also sums B's columns over k into a buffer bound after
 * bias (every row block computes the sums, the first one stores them); epilogue: see TexEpilogue. Extra buffers
 * bind after bias in that order, and the uniform after them.
 */
export function texMatmulSource({ rows, cv }: TexBlock, { aT, bT }: TexLayout = { aT: false, bT: false }, colSums = false, epilogue: TexEpilogue = "none"): string {
  if (aT && rows % 4 !== 0) throw new Error(`texMatmulSource: transposed A needs rows divisible by 4 (got ${rows})`);
  const R = [...Array(rows).keys()];
  const CS = [...Array(cv).keys()];
  const cols: string[] = [];
  for (const c of CS) cols.push(`let col${c} = min(colBase + ${8 * c}u, p.n4 - 1u);`);
  if (bT) for (const c of CS) for (let j = 0; j < 4; j++) cols.push(`let bn${c}_${j} = bY + min(4u * col${c} + ${j}u, p.N - 1u);`);
  // The bias depends on the column only: loaded once per column group, added in registers.
  for (const c of CS) cols.push(`let bv${c} = biasVec(colBase + ${8 * c}u);`);
  const init: string[] = [];
  if (aT) for (let q = 0; q < rows / 4; q++) init.push(`let aq${q} = min(row0 / 4u + ${q}u, p.M / 4u - 1u);`);
  else for (const r of R) init.push(`let arow${r} = aY + min(row0 + ${r}u, p.M - 1u);`);
  for (const r of R) for (const c of CS) init.push(`var acc${r}_${c} = vec4f(0.0);`);
  const chunk: string[] = [];
  // aval(r, kk): A[row0 + r, k + kk], broadcast from the lane that fetched it.
  let aval: (r: number, kk: number) => string;
  if (aT) {
    // Lane l fetches A[4q .. 4q+3, k + 8s + l] for row group q and step group s.
    for (let q = 0; q < rows / 4; q++) for (let s = 0; s < 4; s++) chunk.push(`let at${q}_${s} = textureLoad(At, vec2u(aq${q}, aY + k + ${8 * s}u + lane), 0);`);
    aval = (r, kk) => `subgroupBroadcast(at${r >> 2}_${kk >> 3}.${COMP[r % 4]}, ${kk % 8}u)`;
  } else {
    // Lane l fetches A[row, k + 4l .. k + 4l + 3].
    for (const r of R) chunk.push(`let av${r} = textureLoad(At, vec2u(k4 + lane, arow${r}), 0);`);
    aval = (r, kk) => `subgroupBroadcast(av${r}.${COMP[kk % 4]}, ${kk >> 2}u)`;
  }
  if (bT) {
    // 8 texels per column give its 32 k; b{kk}_{c} is rebuilt from the 4 columns of the lane's vec4.
    for (const c of CS) for (let j = 0; j < 4; j++) for (let g = 0; g < 8; g++) chunk.push(`let bt${c}_${j}_${g} = textureLoad(Bt, vec2u(k4 + ${g}u, bn${c}_${j}), 0);`);
    for (let kk = 0; kk < 32; kk++) for (const c of CS) {
      const parts = [0, 1, 2, 3].map((j) => `bt${c}_${j}_${kk >> 2}.${COMP[kk % 4]}`);
      chunk.push(`let b${kk}_${c} = vec4f(${parts.join(", ")});`);
    }
  } else {
    for (let kk = 0; kk < 32; kk++) for (const c of CS) chunk.push(`let b${kk}_${c} = textureLoad(Bt, vec2u(col${c}, bY + k + ${kk}u), 0);`);
  }
  if (colSums) for (let kk = 0; kk < 32; kk++) chunk.push(CS.map((c) => `bs${c} += b${kk}_${c};`).join(" "));
  // Row-outer order: each row's 32 steps run together so its accumulators stay in registers.
  for (const r of R) {
    for (let kk = 0; kk < 32; kk++) {
      const upd = CS.map((c) => `acc${r}_${c} = fma(a, b${kk}_${c}, acc${r}_${c});`).join(" ");
      chunk.push(`{ let a = vec4f(${aval(r, kk)}); ${upd} }`);
    }
  }
  const store: string[] = [];
  for (const r of R) for (const c of CS) store.push(`outv[${r * cv + c}] = acc${r}_${c} + bv${c};`);
  const bsInit = colSums ? CS.map((c) => `var bs${c} = vec4f(0.0);`).join(" ") : "";
  const bsStore = colSums ? `if (wid.y == 0u && rb == 0u) { ${CS.map((c) => `colSumStore(colBase + ${8 * c}u, bs${c}, accumulate);`).join(" ")} }` : "";
  // Extra buffers bind after bias, in this order; the uniform follows them.
  const extras: string[] = [];
  if (colSums) extras.push("var<storage, read_write> CS: array<f32>;  // (N) column sums of B");
  if (epilogue === "gelu") extras.push("var<storage, read_write> G: array<f32>;  // gelu(C), C's layout");
  if (epilogue === "dgelu") extras.push("var<storage, read> P: array<f32>;  // pre-activation, C's layout");
  const decl = [...extras, "var<uniform> p: Params;"].map((d, i) => `@group(0) @binding(${4 + i}) ${d}`).join("\n");
  const epi = {
    vecPre: epilogue === "dgelu" ? "x *= vec4f(dgelu1(P[base]), dgelu1(P[base + 1u]), dgelu1(P[base + 2u]), dgelu1(P[base + 3u]));" : "",
    vecPost: epilogue === "gelu" ? "G[base] = gelu1(x.x); G[base + 1u] = gelu1(x.y); G[base + 2u] = gelu1(x.z); G[base + 3u] = gelu1(x.w);" : "",
    pre: epilogue === "dgelu" ? "x *= dgelu1(P[base + j]);" : "",
    post: epilogue === "gelu" ? "G[base + j] = gelu1(x);" : "",
  };
  const colSumFn = colSums
    ? `\nfn colSumStore(col4: u32, v: vec4f, accumulate: bool) {
  if (col4 >= p.n4) { return; }
  for (var j = 0u; j < 4u; j++) {
    let c = 4u * col4 + j;
    if (c < p.N) { CS[c] = select(v[j], CS[c] + v[j], accumulate); }
  }
}\n`
    : "";
  return (template + colSumFn + (epilogue === "none" ? "" : GELU_FNS))
    .replace("@group(0) @binding(4) var<uniform> p: Params;", decl)
    .replace("//@EPI_VEC_PRE", epi.vecPre)
    .replace("//@EPI_VEC_POST", epi.vecPost)
    .replace("//@EPI_PRE", epi.pre)
    .replace("//@EPI_POST", epi.post)
    .replace("//@BSUM_INIT", bsInit)
    .replace("//@BSUM_STORE", bsStore)
    .replace("//@COLS", cols.join("\n  "))
    .replace("//@ROWS", init.join("\n    "))
    .replace("//@CHUNK", chunk.join("\n      "))
    .replace("//@STORE", store.join("\n    "))
    .replaceAll("ROWS_CV", `${rows * cv}u`)
    .replaceAll("ROWSu", `${rows}u`)
    .replaceAll("CVu", `${cv}u`);
}
