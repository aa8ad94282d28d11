// The kernel-level interface every backend implements (CPU references, WebGPU kernels). Buffers are opaque
// handles; every method enqueues work in call order and returns immediately, except read().
// Dimension letters: B batch, T time, C channels, V vocab, N rows, Hd recurrent hidden size.
import type { AdamWClip, AdamWParams, DType, FloatDType, HeadDims, MatmulDims, MatmulEpilogue, MatmulOpts, TypedArray } from "./types.ts";
import type { RnnDims } from "./kernels/lstm/reference.ts";
import type { HalfOp } from "./kernels/elementwise-f16/reference.ts";
import type { PagedDims } from "./kernels/paged-attention/reference.ts";
import type { GroupedDims, MoeGateMode } from "./kernels/moe/reference.ts";

/** An opaque device buffer (a typed array on the CPU backend, a pooled GPUBuffer on WebGPU). */
export interface Buf {
  readonly __buf?: never;
}

/** Views start at multiples of this many bytes: WebGPU's largest allowed minStorageBufferOffsetAlignment. */
export const VIEW_ALIGN_BYTES = 256;

export interface Backend {
  readonly kind: "cpu" | "webgpu";
  /** Buffer limits (absent on the CPU backend: unlimited). */
  readonly limits?: { readonly maxStorageBufferBindingSize: number; readonly maxBufferSize: number };
  /** Counters for tests and profiles (WebGPU only). */
  stats?(): { readonly submits: number; readonly dispatches: number; readonly liveBytes: number; readonly pooledBytes: number };
  /** f16 tensors can be made: WebGPU with `shader-f16`; always on the CPU backend (emulated by rounding). */
  readonly supportsF16: boolean;
  /** Adapter name, for errors. */
  readonly adapterName?: string;
  /** Allocate n elements; `what` names the tensor in capacity errors (e.g. "qkv (4,64,384) f32"). */
  alloc(n: number, dtype: DType, what: string): Buf;
  free(b: Buf): void;
  /**
   * A view of n elements of dtype at element `offset` of base (a buffer from alloc, not a view), for packing many
   * tensors into one buffer. offset * element size must be a multiple of VIEW_ALIGN_BYTES. Never passed to free().
   */
  view(base: Buf, offset: number, n: number, dtype: DType): Buf;
  /** Upload; an f16 buffer takes a Float32Array and stores it rounded to f16. @default dtype from the array */
  write(b: Buf, data: TypedArray, dtype?: DType): void;
  /** Download n elements; f16 comes back as a Float32Array of the f16 values. */
  read(b: Buf, n: number, dtype: DType): Promise<TypedArray>;
  /** Per-kernel GPU ms and counts when profiling (LATHE_GPU_PROFILE=1 on WebGPU), else null. */
  profile?(): Promise<Record<string, { ms: number; count: number }> | null>;
  /** Submit pending work. */
  flush(): void;
  destroy(): void;

  fill(out: Buf, value: number, n: number, dtype: DType): void;
  /** Copy n elements (of dtype: f16 copies 2 bytes each). @default "f32" */
  copy(out: Buf, src: Buf, n: number, dtype?: DType): void;
  /** out = x converted between f32 and f16 (round to nearest even, overflow to inf, subnormals kept). */
  cast(out: Buf, x: Buf, n: number, to: FloatDType): void;
  /** f16-storage elementwise op with f32 math (kernels/elementwise-f16): out = op(a, b, s), rounded to f16. */
  halfOp(op: HalfOp, out: Buf, a: Buf | null, b: Buf | null, n: number, nb: number, s: number): void;
  add(out: Buf, a: Buf, b: Buf, n: number, nb: number): void;
  mul(out: Buf, a: Buf, b: Buf, n: number, nb: number): void;
  scale(out: Buf, a: Buf, s: number, n: number): void;
  accumulate(dst: Buf, src: Buf, n: number): void;
  sumRows(out: Buf, x: Buf, rows: number, cols: number): void;

  /** With epi, fused where the kernel allows it (tex.wgsl), else as a second pass. */
  matmul(out: Buf, a: Buf, b: Buf, bias: Buf | null, d: MatmulDims, o: MatmulOpts, epi?: MatmulEpilogue<Buf> | null): void;
  matmulBackward(da: Buf | null, db: Buf | null, dbias: Buf | null, dout: Buf, a: Buf, b: Buf, d: MatmulDims, o: MatmulOpts): void;

  embedding(out: Buf, ids: Buf, table: Buf, N: number, V: number, C: number): void;
  embeddingBackward(dtable: Buf, dout: Buf, ids: Buf, N: number, V: number, C: number): void;

  layerNorm(out: Buf, mean: Buf, rstd: Buf, x: Buf, w: Buf, b: Buf, N: number, C: number, eps: number): void;
  /** accumulate: dx += the gradient (dw, db overwritten). */
  layerNormBackward(dx: Buf, dw: Buf, db: Buf, dout: Buf, x: Buf, w: Buf, mean: Buf, rstd: Buf, N: number, C: number, accumulate?: boolean): void;
  rmsNorm(out: Buf, rstd: Buf, x: Buf, w: Buf, N: number, C: number, eps: number): void;
  rmsNormBackward(dx: Buf, dw: Buf, dout: Buf, x: Buf, w: Buf, rstd: Buf, N: number, C: number): void;

  gelu(out: Buf, x: Buf, n: number): void;
  geluBackward(dx: Buf, dout: Buf, x: Buf, n: number): void;
  silu(out: Buf, x: Buf, n: number): void;
  siluBackward(dx: Buf, dout: Buf, x: Buf, n: number): void;
  swiglu(out: Buf, gate: Buf, up: Buf, n: number): void;
  swigluBackward(dgate: Buf, dup: Buf, dout: Buf, gate: Buf, up: Buf, n: number): void;

  softmax(out: Buf, x: Buf, N: number, C: number): void;
  softmaxBackward(dx: Buf, dout: Buf, y: Buf, N: number, C: number): void;

  rope(out: Buf, qkv: Buf, d: HeadDims, base: number): void;
  ropeBackward(dqkv: Buf, dout: Buf, d: HeadDims, base: number): void;
  attention(out: Buf, lse: Buf, qkv: Buf, d: HeadDims, causal: boolean): void;
  attentionBackward(dqkv: Buf, dout: Buf, out: Buf, lse: Buf, qkv: Buf, d: HeadDims, causal: boolean): void;

  crossEntropy(losses: Buf, weights: Buf, lse: Buf, logits: Buf, targets: Buf, mask: Buf | null, N: number, V: number, ignoreIndex: number): void;
  crossEntropyMean(out: Buf, denom: Buf, losses: Buf, weights: Buf, N: number): void;
  crossEntropyBackward(dlogits: Buf, dloss: Buf, denom: Buf, logits: Buf, lse: Buf, targets: Buf, weights: Buf, N: number, V: number): void;
  /** logp (N) = log softmax(logits)[target], lse (N), greedy i32 (N) = target is the first argmax; targets outside [0,V) give 0. */
  tokenLogprobs(logp: Buf, lse: Buf, greedy: Buf, logits: Buf, targets: Buf, N: number, V: number): void;
  /** dlogits (N,V) = dlogp * (onehot(target) - softmax), overwritten. */
  tokenLogprobsBackward(dlogits: Buf, dlogp: Buf, logits: Buf, lse: Buf, targets: Buf, N: number, V: number): void;
  /** out (n) = log σ(x) = min(x,0) - log1p(exp(-|x|)) (kernels/logsigmoid). */
  logSigmoid(out: Buf, x: Buf, n: number): void;
  /** dx (n) = dout · σ(-x), overwritten. */
  logSigmoidBackward(dx: Buf, dout: Buf, x: Buf, n: number): void;
  /** out (N,D) = s[n] * x[n,:] (kernels/rowscale). */
  rowScale(out: Buf, x: Buf, s: Buf, N: number, D: number): void;
  /** dx (N,D) = s[n] * dout[n,:], ds (N) = dout[n,:] · x[n,:]; each overwritten when given. */
  rowScaleBackward(dx: Buf | null, ds: Buf | null, dout: Buf, x: Buf, s: Buf, N: number, D: number): void;

  /**
   * Decoding against the paged KV cache (kernels/paged-attention), no backward: kvWrite takes q (N,C) out of qkv
   * (N,3C) and writes k, v into the caches (L,S,C) at each row's position (q, k rotated when ropeBase > 0);
   * pagedAttention is causal attention of q over each row's cached positions 0..pos[n].
   */
  kvWrite(q: Buf, kCache: Buf, vCache: Buf, qkv: Buf, pageTable: Buf, seq: Buf, pos: Buf, d: PagedDims, ropeBase: number): void;
  pagedAttention(out: Buf, q: Buf, kCache: Buf, vCache: Buf, pageTable: Buf, seq: Buf, pos: Buf, d: PagedDims): void;
  /**
   * Sampling (kernels/sample), no backward: tokens i32 (B) and logprob (B) (ln softmax at temperature 1) from logits
   * (B,V), each row with its temperature (B) (<= 0: greedy), topK i32 (B), topP (B) and uniform (B) in [0,1).
   */
  sampleRows(tokens: Buf, logprob: Buf, logits: Buf, temperature: Buf, topK: Buf, topP: Buf, uniform: Buf, B: number, V: number): void;

  /**
   * Mixture of experts (kernels/moe; letters N tokens, E experts, k picks per token, C channels, S = E*capacity
   * slots, M gathered rows). moeRoute: gates (N,k), experts i32 (N,k), probs (N,E) from logits (N,E); the two
   * backwards overwrite dlogits (N,E) from one output's gradient each.
   */
  moeRoute(gates: Buf, experts: Buf, probs: Buf, logits: Buf, N: number, E: number, k: number, mode: MoeGateMode): void;
  moeGatesBackward(dlogits: Buf, dgates: Buf, gates: Buf, experts: Buf, logits: Buf, N: number, E: number, k: number, mode: MoeGateMode): void;
  moeProbsBackward(dlogits: Buf, dprobs: Buf, probs: Buf, logits: Buf, N: number, E: number, mode: MoeGateMode): void;
  /** rowOf i32 (E*capacity), slotOf i32 (N,k), counts i32 (E): stable counting sort of experts i32 (N,k), no backward. */
  moeDispatch(rowOf: Buf, slotOf: Buf, counts: Buf, experts: Buf, N: number, k: number, E: number, capacity: number): void;
  /** out (M,C) = x (N,C)[rowOf[m]], zero rows for ids outside [0,N); the backward overwrites dx (N,C). */
  moeGather(out: Buf, x: Buf, rowOf: Buf, M: number, N: number, C: number): void;
  moeGatherBackward(dx: Buf, dout: Buf, rowOf: Buf, M: number, N: number, C: number): void;
  /** out (E,R,O) = x (E,R,I) · w (E,I,O) + bias (E,O) per expert; backward outputs overwritten, null skips. */
  groupedMatmul(out: Buf, x: Buf, w: Buf, bias: Buf | null, d: GroupedDims): void;
  groupedMatmulBackward(dx: Buf | null, dw: Buf | null, dbias: Buf | null, dout: Buf, x: Buf, w: Buf, d: GroupedDims): void;
  /** out (N,C) = sum over j of gates[n,j]·y (S,C)[slotOf[n,j]]; backward dy (S,C), dgates (N,k) overwritten, null skips. */
  moeCombine(out: Buf, y: Buf, slotOf: Buf, gates: Buf, N: number, k: number, S: number, C: number): void;
  moeCombineBackward(dy: Buf | null, dgates: Buf | null, dout: Buf, y: Buf, slotOf: Buf, gates: Buf, N: number, k: number, S: number, C: number): void;

  dropout(out: Buf, x: Buf, n: number, p: number, seed: number): void;
  dropoutBackward(dx: Buf, dout: Buf, n: number, p: number, seed: number): void;

  lstm(hs: Buf, cs: Buf, acts: Buf, xProj: Buf, wh: Buf, h0: Buf | null, c0: Buf | null, d: RnnDims): void;
  lstmBackward(dxProj: Buf, dwh: Buf, dh0: Buf | null, dc0: Buf | null, dh: Buf, hs: Buf, cs: Buf, acts: Buf, wh: Buf, h0: Buf | null, c0: Buf | null, d: RnnDims): void;
  gru(hs: Buf, acts: Buf, hn: Buf, xProj: Buf, wh: Buf, h0: Buf | null, d: RnnDims): void;
  gruBackward(dxProj: Buf, dwh: Buf, dh0: Buf | null, dh: Buf, hs: Buf, acts: Buf, hn: Buf, wh: Buf, h0: Buf | null, d: RnnDims): void;

  sum(out: Buf, x: Buf, n: number): void;
  max(out: Buf, x: Buf, n: number): void;
  /** out[outIndex] = sum of x². */
  sumSquares(out: Buf, outIndex: number, x: Buf, n: number): void;
  adamw(p: Buf, g: Buf, m: Buf, v: Buf, n: number, hp: AdamWParams, clip?: AdamWClip<Buf> | null): void;
}
