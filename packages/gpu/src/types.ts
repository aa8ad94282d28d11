// Shared small types of @lathe/gpu: dtypes, typed arrays, kernel dimension records.
// Dimension letters: B batch, T time, C channels, H heads, D head size (C/H), V vocab, N rows (B*T).

/** "f16" is storage only (2 bytes/element, math in f32): WebGPU with `shader-f16`, emulated on the CPU backend. */
export type DType = "f32" | "i32" | "f16";
export type FloatDType = "f32" | "f16";
/** Host-side data; f16 tensors read and write Float32Array (values rounded to f16). */
export type TypedArray = Float32Array | Int32Array;

/** Bytes one element takes in a device buffer. */
export function bytesPerElement(dtype: DType): number {
  return dtype === "f16" ? 2 : 4;
}

/** Matmul dims: a (batch,M,K) or (batch,K,M) with transA; b (K,N) or (N,K) with transB, batched when bBatched. */
export interface MatmulDims {
  readonly batch: number;
  readonly M: number;
  readonly N: number;
  readonly K: number;
  /** b has a leading batch dim equal to `batch` (else one b shared by all batches). */
  readonly bBatched: boolean;
}
export interface MatmulOpts {
  readonly transA: boolean;
  readonly transB: boolean;
}

/** Attention / rope dims over packed qkv (B,T,3C). */
export interface HeadDims {
  readonly B: number;
  readonly T: number;
  readonly C: number;
  readonly nHead: number;
}

/** AdamW hyper-parameters for one update; `step` counts from 1. */
export interface AdamWParams {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly step: number;
}

/** Global-norm clipping folded into AdamW: normSq holds the sum of squares of every grad (element 0). */
export interface AdamWClip<B> {
  readonly normSq: B;
  readonly maxNorm: number;
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * What a matmul does besides out = op(a)·op(b) + bias: "residual" adds a tensor of out's shape (out = residual +
 * a·b + bias); "gelu" also writes act = gelu(out); "dgelu" writes (a·b + bias) ⊙ gelu'(pre) instead (pre of out's shape).
 */
export type MatmulEpilogue<B> = { readonly kind: "residual"; readonly residual: B } | { readonly kind: "gelu"; readonly act: B } | { readonly kind: "dgelu"; readonly pre: B };
