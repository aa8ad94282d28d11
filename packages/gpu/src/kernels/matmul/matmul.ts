// WebGPU dispatchers for batched matmul and its backward, with the signatures of reference.ts plus the runtime.
// Routing on software adapters (lavapipe): tex.wgsl, with both operands packed into rgba32float textures by
// pack.wgsl (which also transposes and zero-pads, so any shape goes); elsewhere, and when a texture would pass
// maxTextureDimension2D: fast.wgsl (subgroup-broadcast register blocking; N, K multiples of 4, subgroups of
// >= 8 lanes) with transposed operands first copied by transpose.wgsl; everything else goes to the general
// strided kernel matmul.wgsl.
// Dimension letters: M rows of the output, N its columns, K the contracted dim, R = batch*M stacked rows.
import { packParams, type GpuBuf, type GpuTex, type KernelSpec, type Runtime } from "../../runtime.ts";
import type { MatmulDims, MatmulOpts } from "../../types.ts";
import { FAST_RG, FAST_ROWS, fastMatmulSource } from "./fast.ts";
import { texBlock, type TexEpilogue, texMatmulSource } from "./tex.ts";
import { geluBackward, geluForward } from "../activation/activation.ts";
import packSrc from "./pack.wgsl" with { type: "text" };
import generalSrc from "./matmul.wgsl" with { type: "text" };
import transposeSrc from "./transpose.wgsl" with { type: "text" };
import colsumSrc from "./colsum.wgsl" with { type: "text" };

const GENERAL: KernelSpec = { name: "matmul.general", code: generalSrc };
const TRANSPOSE: KernelSpec = { name: "matmul.transpose", code: transposeSrc };
const COLSUM: KernelSpec = { name: "matmul.colsum", code: colsumSrc };
const PACK: KernelSpec = { name: "matmul.pack", code: packSrc };
const PACK_T: KernelSpec = { name: "matmul.pack", code: packSrc, constants: { TRANS: 1 } };
let fastSpec: KernelSpec | null = null;
const texSpecs = new Map<string, KernelSpec>();

/** One product C(batch,M,N) (+)= op(A)·op(B) (+ bias). Batch strides in elements; 0 shares that operand. */
export interface Gemm {
  readonly batch: number;
  readonly M: number;
  readonly N: number;
  readonly K: number;
  readonly transA: boolean;
  readonly transB: boolean;
  readonly sA: number;
  readonly sB: number;
  readonly sC: number;
}

/** What a product does besides writing C: "gelu" also writes act = gelu(C); "dgelu" writes C ⊙ gelu'(pre) instead. */
export type GemmEpilogue = { readonly kind: "gelu"; readonly act: GpuBuf } | { readonly kind: "dgelu"; readonly pre: GpuBuf };

/**
 * Which kernel runs a product: "auto" picks tex.wgsl on software adapters and fast.wgsl on others, whenever the
 * shape and adapter allow, else the general kernel. LATHE_MATMUL=tex|fast|general overrides "auto" (benchmarks).
 */
export type MatmulPath = "auto" | "tex" | "fast" | "general";
const ENV_PATH = process.env.LATHE_MATMUL as MatmulPath | undefined;

/** True when the adapter can run fast.wgsl (subgroups feature, subgroups of 8 to 32 lanes). */
export function hasFastMatmul(rt: Runtime): boolean {
  const info = (rt.device as GPUDevice & { adapterInfo?: { subgroupMinSize?: number; subgroupMaxSize?: number } }).adapterInfo;
  return rt.features.includes("subgroups") && (info?.subgroupMinSize ?? 0) >= 8 && (info?.subgroupMaxSize ?? 0) <= 32;
}

function fastOk(rt: Runtime, g: Gemm): boolean {
  return hasFastMatmul(rt) && g.N % 4 === 0 && g.K % 4 === 0;
}

/**
 * How tex.wgsl gets g's operands and the texture sizes (texels). A transposed operand is copied as stored (aT/bT
 * layouts) when its rows are a multiple of 256 bytes and K needs no zero padding; otherwise pack.wgsl transposes.
 */
interface TexShapes {
  readonly k32: number;
  readonly n4: number;
  /** Matrices of A and of B in the textures (1 when shared over the batch). */
  readonly nbA: number;
  readonly nbB: number;
  readonly aT: boolean;
  readonly bT: boolean;
  readonly aW: number;
  readonly aH: number;
  readonly bW: number;
  readonly bH: number;
}

function texShapes(g: Gemm): TexShapes {
  const k32 = Math.ceil(g.K / 32) * 32;
  const n4 = Math.ceil(g.N / 4);
  const nbA = g.sA === 0 ? 1 : g.batch;
  const nbB = g.sB === 0 ? 1 : g.batch;
  const aT = g.transA && g.M % 64 === 0 && g.K % 32 === 0 && g.sA % 4 === 0;
  const bT = g.transB && g.K % 64 === 0 && g.sB % 4 === 0;
  return {
    k32, n4, nbA, nbB, aT, bT,
    aW: aT ? g.M / 4 : k32 / 4, aH: nbA * (aT ? g.K : g.M),
    bW: bT ? g.K / 4 : n4, bH: nbB * (bT ? g.N : k32),
  };
}

function texFits(rt: Runtime, g: Gemm, t: TexShapes): boolean {
  const lim = rt.limits.maxTextureDimension2D;
  return hasFastMatmul(rt) && Math.max(t.aW, t.aH, t.bW, t.bH) <= lim && g.batch <= rt.limits.maxComputeWorkgroupsPerDimension;
}

/** Copies nb matrices of `rows` rows of `rowFloats` floats (sIn apart in src) to texture rows nb*hPad apart. */
function copyMatrices(rt: Runtime, dst: GpuTex, src: GpuBuf, nb: number, sIn: number, rowFloats: number, rows: number, hPad: number): void {
  for (let b = 0; b < nb; b++) rt.copyToTexture(dst, src, b * sIn * 4, rowFloats * 4, rowFloats / 4, rows, b * hPad);
}

/**
 * Lays the (rows, cols) matrices of src (nb of them, sIn elements apart; stored transposed when trans) into dst as
 * texel (x, b*hPad + y) = X_b[y, 4x..4x+3]. A plain copy when the layout allows (row-major, rows a multiple of 256
 * bytes, no zero padding needed), else pack.wgsl.
 */
function pack(rt: Runtime, dst: GpuTex, src: GpuBuf, nb: number, rows: number, cols: number, trans: boolean, sIn: number, w4: number, hPad: number): void {
  if (!trans && cols % 64 === 0 && w4 * 4 === cols && hPad === rows && sIn % 4 === 0) return copyMatrices(rt, dst, src, nb, sIn, cols, rows, hPad);
  const params = packParams([["u", rows], ["u", cols], ["u", sIn], ["u", w4], ["u", hPad], ["u", 0], ["u", 0], ["u", 0]]);
  rt.dispatch(trans ? PACK_T : PACK, [dst, src], params, [Math.ceil(w4 / 8), Math.ceil(hPad / 8), nb]);
}

/**
 * Row blocks each tex.wgsl workgroup runs in turn: enough to leave about 24 workgroups (lavapipe pays a fixed cost
 * per workgroup), at most 8. Measured at K = 128 (768 x 128 x 384/512): 16-20 GFLOP/s with one block per
 * workgroup, 30-45 with 3-6. LATHE_TEX_RBS=n forces n (for measuring).
 */
const FORCED_RBS = Number(process.env.LATHE_TEX_RBS ?? 0);
function texRowBlocksPerWorkgroup(otherBlocks: number, rowBlocks: number): number {
  if (FORCED_RBS > 0) return Math.min(FORCED_RBS, rowBlocks);
  return Math.max(1, Math.min(8, rowBlocks, Math.floor((otherBlocks * rowBlocks) / 24)));
}

/** Returns whether colSums (B's column sums, see tex.wgsl) were written: only for unbatched products. */
function texGemm(rt: Runtime, c: GpuBuf, a: GpuBuf, b: GpuBuf, bias: GpuBuf | null, g: Gemm, t: TexShapes, flags: number, colSums: GpuBuf | null, epi: GemmEpilogue | null): boolean {
  const { batch, M, N, K } = g;
  // An operand whose texture is its buffer's rows as stored (all its matrices back to back) comes from
  // rt.rowsTexture, copied once and reused by later products (a layer's input and weight in its backward, dY by
  // both backward products); other layouts are packed into a texture of this product's own.
  const rowsA = t.aT ? M : !g.transA && K % 64 === 0 && t.k32 === K ? K : 0;
  const rowsB = t.bT ? K : !g.transB && N % 64 === 0 && t.n4 * 4 === N && t.k32 === K ? N : 0;
  const whole = (rowFloats: number, nb: number, s: number, rows: number) => rowFloats > 0 && rowFloats % 64 === 0 && (nb === 1 || s === rows * rowFloats);
  const sharedA = whole(rowsA, t.nbA, g.sA, t.aH / t.nbA) ? rt.rowsTexture(a, 0, rowsA, t.aH) : null;
  const sharedB = whole(rowsB, t.nbB, g.sB, t.bH / t.nbB) ? rt.rowsTexture(b, 0, rowsB, t.bH) : null;
  const at = sharedA ?? rt.allocTexture(t.aW, t.aH, `matmul A texture (${t.aH}x${t.aW} texels)`);
  const bt = sharedB ?? rt.allocTexture(t.bW, t.bH, `matmul B texture (${t.bH}x${t.bW} texels)`);
  if (!sharedA) {
    if (t.aT) copyMatrices(rt, at, a, t.nbA, g.sA, M, K, K);
    else pack(rt, at, a, t.nbA, M, K, g.transA, g.sA, t.aW, M);
  }
  if (!sharedB) {
    if (t.bT) copyMatrices(rt, bt, b, t.nbB, g.sB, K, N, N);
    else pack(rt, bt, b, t.nbB, K, N, g.transB, g.sB, t.bW, t.k32);
  }
  const block = texBlock(N);
  const sums = colSums !== null && batch === 1 ? colSums : null;
  const epiKind: TexEpilogue = epi?.kind ?? "none";
  const key = `${block.rows}x${block.cv}${t.aT ? " aT" : ""}${t.bT ? " bT" : ""}${sums ? " colsums" : ""} ${epiKind}`;
  const colBlocks = Math.ceil(N / (32 * block.cv));
  const rowBlocks = Math.ceil(M / block.rows);
  const rbs = texRowBlocksPerWorkgroup(colBlocks * batch, rowBlocks);
  let spec = texSpecs.get(key);
  if (!spec) texSpecs.set(key, (spec = { name: "matmul.tex", code: texMatmulSource(block, t, sums !== null, epiKind) }));
  const params = packParams([
    ["u", M], ["u", N], ["u", t.k32], ["u", flags],
    ["u", g.sA === 0 ? 0 : t.aT ? K : M], ["u", g.sB === 0 ? 0 : t.bT ? N : t.k32], ["u", g.sC], ["u", t.n4],
    ["u", rbs], ["u", 0], ["u", 0], ["u", 0],
  ]);
  const extras: GpuBuf[] = [];
  if (sums) extras.push(sums);
  if (epi) extras.push(epi.kind === "gelu" ? epi.act : epi.pre);
  rt.dispatch(spec, [c, at, bt, bias ?? rt.dummy(0), ...extras], params, [colBlocks, Math.ceil(rowBlocks / rbs), batch]);
  if (!sharedA) rt.freeTexture(at);
  if (!sharedB) rt.freeTexture(bt);
  return sums !== null;
}

/** out(batch, cols, rows) = in(batch, rows, cols)ᵀ into a fresh pooled buffer; the caller frees it. */
function transposed(rt: Runtime, src: GpuBuf, batch: number, rows: number, cols: number): GpuBuf {
  const dst = rt.alloc(batch * rows * cols * 4, `matmul transpose scratch (${batch},${cols},${rows}) f32`);
  const params = packParams([["u", rows], ["u", cols], ["u", rows * cols], ["u", rows * cols]]);
  rt.dispatch(TRANSPOSE, [dst, src], params, [Math.ceil(cols / 16), Math.ceil(rows / 16), batch]);
  return dst;
}

/** An epilogue on a kernel without one (fast, general): the product, then the activation kernel over its output. */
function epilogueAfter(rt: Runtime, c: GpuBuf, a: GpuBuf, b: GpuBuf, bias: GpuBuf | null, g: Gemm, path: MatmulPath, colSums: GpuBuf | null, epi: GemmEpilogue): boolean {
  const n = g.batch * g.M * g.N;
  if (epi.kind === "gelu") {
    const done = gemm(rt, c, a, b, bias, g, false, path, colSums);
    geluForward(rt, epi.act, c, n);
    return done;
  }
  const tmp = rt.alloc(n * 4, `matmul dgelu scratch (${g.batch},${g.M},${g.N}) f32`);
  const done = gemm(rt, tmp, a, b, bias, g, false, path, colSums);
  geluBackward(rt, c, tmp, epi.pre, n);
  rt.free(tmp);
  return done;
}

/**
 * Encode one product; `accumulate` adds into c instead of overwriting it. With colSums, the texture kernel also
 * writes B's column sums over k there (the bias gradient of a dW product) when it can; returns whether it did.
 */
export function gemm(
  rt: Runtime, c: GpuBuf, a: GpuBuf, b: GpuBuf, bias: GpuBuf | null, g: Gemm, accumulate = false, path: MatmulPath = "auto",
  colSums: GpuBuf | null = null, epi: GemmEpilogue | null = null,
): boolean {
  const { batch, M, N, K } = g;
  if (batch === 0 || M === 0 || N === 0) return false;
  if (epi && accumulate) throw new Error("gemm: a GELU epilogue writes its product, it cannot accumulate into c");
  const flags = (accumulate ? 1 : 0) | (bias ? 2 : 0);
  const want = path === "auto" && ENV_PATH ? ENV_PATH : path;
  if (want === "tex" || (want === "auto" && rt.software)) {
    const t = texShapes(g);
    if (want === "tex" || texFits(rt, g, t)) return texGemm(rt, c, a, b, bias, g, t, flags, colSums, epi);
  }
  if (epi) return epilogueAfter(rt, c, a, b, bias, g, want, colSums, epi);
  const useFast = want === "fast" || (want === "auto" && fastOk(rt, g));
  if (!useFast) {
    const params = packParams([
      ["u", M], ["u", N], ["u", K], ["u", flags],
      ["u", g.sA], ["u", g.sB], ["u", g.sC], ["u", 0],
      ["u", g.transA ? 1 : K], ["u", g.transA ? M : 1], ["u", g.transB ? 1 : N], ["u", g.transB ? K : 1],
    ]);
    rt.dispatch(GENERAL, [c, a, b, bias ?? a], params, [Math.ceil(N / 32), Math.ceil(M / 32), batch]);
    return false;
  }
  const scratch: GpuBuf[] = [];
  let A = a;
  let sA = g.sA;
  if (g.transA) {
    const nb = sA === 0 ? 1 : batch;
    A = transposed(rt, a, nb, K, M); // stored (K,M) -> (M,K)
    scratch.push(A);
    sA = sA === 0 ? 0 : M * K;
  }
  let B = b;
  let sB = g.sB;
  if (g.transB) {
    const nb = sB === 0 ? 1 : batch;
    B = transposed(rt, b, nb, N, K); // stored (N,K) -> (K,N)
    scratch.push(B);
    sB = sB === 0 ? 0 : K * N;
  }
  fastSpec ??= { name: "matmul.fast", code: fastMatmulSource() };
  const params = packParams([
    ["u", M], ["u", N], ["u", K], ["u", flags],
    ["u", sA / 4], ["u", sB / 4], ["u", g.sC / 4], ["u", 0],
  ]);
  rt.dispatch(fastSpec, [c, A, B, bias ?? A], params, [Math.ceil(N / 128), Math.ceil(M / (FAST_ROWS * FAST_RG)), batch]);
  for (const s of scratch) rt.free(s);
  return false;
}

/** out = op(a)·op(b) + bias (ops.matmul forward), (+)= when accumulate, with an optional epilogue. Shapes as in reference.ts. */
export function matmulForward(
  rt: Runtime, out: GpuBuf, a: GpuBuf, b: GpuBuf, bias: GpuBuf | null, d: MatmulDims, o: MatmulOpts, accumulate = false, epi: GemmEpilogue | null = null,
): void {
  const { batch, M, N, K } = d;
  gemm(rt, out, a, b, bias, { batch, M, N, K, transA: o.transA, transB: o.transB, sA: M * K, sB: d.bBatched ? K * N : 0, sC: M * N }, accumulate, "auto", null, epi);
}

/** Column sums of x (rows, N) into out (N), deterministic. */
export function biasGrad(rt: Runtime, out: GpuBuf, x: GpuBuf, rows: number, N: number, accumulate = false): void {
  rt.dispatch(COLSUM, [out, x], packParams([["u", rows], ["u", N], ["u", accumulate ? 1 : 0], ["u", 0]]), [Math.ceil(N / 64)]);
}

/** Gradients of matmulForward; see matmulBackwardRef. Each non-null output is overwritten (or added to). */
export function matmulBackward(
  rt: Runtime, da: GpuBuf | null, db: GpuBuf | null, dbias: GpuBuf | null,
  dout: GpuBuf, a: GpuBuf, b: GpuBuf, d: MatmulDims, o: MatmulOpts, accumulate = false,
): void {
  const { batch, M, N, K } = d;
  const sBt = d.bBatched ? K * N : 0;
  let biasDone = false;
  if (da) {
    // da = dout·op(b)ᵀ, or for a stored transposed, daᵀ = op(b)·doutᵀ.
    if (!o.transA) gemm(rt, da, dout, b, null, { batch, M, N: K, K: N, transA: false, transB: !o.transB, sA: M * N, sB: sBt, sC: M * K }, accumulate);
    else gemm(rt, da, b, dout, null, { batch, M: K, N: M, K: N, transA: o.transB, transB: true, sA: sBt, sB: M * N, sC: K * M }, accumulate);
  }
  if (db) {
    if (d.bBatched) {
      // db = op(a)ᵀ·dout, or for b stored transposed, dbᵀ = doutᵀ·op(a).
      if (!o.transB) gemm(rt, db, a, dout, null, { batch, M: K, N, K: M, transA: !o.transA, transB: false, sA: M * K, sB: M * N, sC: K * N }, accumulate);
      else gemm(rt, db, dout, a, null, { batch, M: N, N: K, K: M, transA: true, transB: o.transA, sA: M * N, sB: M * K, sC: N * K }, accumulate);
    } else {
      // Shared b: sum over the batch = one product over the R = batch*M stacked rows (a made (R,K) first).
      const R = batch * M;
      const aRows = o.transA ? transposed(rt, a, batch, K, M) : a;
      // With b not transposed, dout is the B operand: the bias gradient (its column sums) comes with the product.
      if (!o.transB) biasDone = gemm(rt, db, aRows, dout, null, { batch: 1, M: K, N, K: R, transA: true, transB: false, sA: 0, sB: 0, sC: 0 }, accumulate, "auto", dbias);
      else gemm(rt, db, dout, aRows, null, { batch: 1, M: N, N: K, K: R, transA: true, transB: false, sA: 0, sB: 0, sC: 0 }, accumulate);
      if (aRows !== a) rt.free(aRows);
    }
  }
  if (dbias && !biasDone) biasGrad(rt, dbias, dout, batch * M, N, accumulate);
}
