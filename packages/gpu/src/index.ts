// @lathe/gpu — tensors, autograd and kernels on WebGPU (Dawn) with a CPU reference backend. See ARCHITECTURE.md "GPU".
/// <reference path="./wgsl.d.ts" />

/** Devices and tensors. */
export { DEVICE_ENV, getDevice, metaDevice, type GetDeviceOptions } from "./get-device.ts";
export type { MetaBackend, MetaStats } from "./meta-backend.ts";
export { Device, Tensor, type TensorOptions, type DataOptions } from "./tensor.ts";
export { bytesPerElement } from "./types.ts";
export type { DType, FloatDType, TypedArray, MatmulDims, MatmulOpts, HeadDims, AdamWParams } from "./types.ts";

/** WebGPU device acquisition, doctor, test helper, memory estimate. */
export { doctor, formatDoctor, type DoctorReport, INSTALL_HINT } from "./device.ts";
export { testDevice } from "./testing.ts";
export { estimateMemory, checkFits, type TensorSpec, type MemoryEstimate, type BufferLimits } from "./memory.ts";

/** Differentiable ops and autograd. */
export { ops, F16_OPS, type MatmulOptions, type AttentionOptions, type CrossEntropyOptions, type TokenScores } from "./ops/index.ts";
export type { KvWriteOptions, PagedRows, SampleParams, SampledRows } from "./ops/index.ts";
export type { GroupedMatmulOptions, MoeDispatch, MoeGateMode, MoeRoute } from "./ops/index.ts";
export type { PagedDims } from "./kernels/paged-attention/reference.ts";
export { backward, gradEnabled, noGrad, zeroGrad } from "./autograd.ts";

/** Optimizer, clipping, sampling. */
export { arenaOf, flattenParams, gradSlot, type ParamArena } from "./flat.ts";
export { adamw, adamwState, clipGradNorm, gradNormSquared, sampleLogits, type AdamWState, type AdamWHyper } from "./optim.ts";
export type { SampleOptions } from "./kernels/sample/reference.ts";
export { mulberry32 } from "./rng.ts";

/** Errors. */
export { ShapeError, DTypeError, F16UnsupportedError, CapacityError, GpuKernelError, DeviceLostError, NoAdapterError, DisposedError } from "./errors.ts";

/** Backends (for kernel tests and benches). */
export type { Backend, Buf } from "./backend.ts";
export { createCpuBackend } from "./cpu-backend.ts";
