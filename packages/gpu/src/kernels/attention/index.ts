// Attention kernels: WebGPU dispatchers and their CPU references (same signatures minus the runtime).
export { attentionForward, attentionBackward, fixedSubgroupSize, type AttentionPath } from "./attention.ts";
export { attentionForwardRef, attentionBackwardRef, type FloatArray } from "./reference.ts";
