// Matmul kernels: WebGPU dispatchers and their CPU references (same signatures minus the runtime).
export { matmulForward, matmulBackward, gemm, biasGrad, hasFastMatmul, type Gemm, type MatmulPath } from "./matmul.ts";
export { matmulForwardRef, matmulBackwardRef } from "./reference.ts";
export { fastMatmulSource, FAST_ROWS, FAST_RG } from "./fast.ts";
