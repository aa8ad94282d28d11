// The declarative description of each architecture (see types.ts): what init, the estimate, the host reference
// model and the exporters derive from.
export { describeArch, isMoeSlot, moeBlocks } from "./describe.ts";
export { numel } from "./blocks.ts";
export type { ArchSpec, AttentionSpec, BlockSpec, Cost, Init, LinearSpec, MlpSpec, MoeSpec, NormSpec, ParamSpec, RecurrentSpec } from "./types.ts";
