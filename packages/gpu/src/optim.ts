// Optimizer-side ops: fused AdamW over a parameter list, global gradient-norm clipping, and host-side sampling.
import { DTypeError, ShapeError } from "./errors.ts";
import { sampleLogitsRef, type SampleOptions } from "./kernels/sample/reference.ts";
import { arenaIndex, arenaOf, flatWithGrads, type ParamArena } from "./flat.ts";
import { Storage, Tensor } from "./tensor.ts";
import type { Buf } from "./backend.ts";
import type { AdamWParams } from "./types.ts";

/** AdamW moments for a list of parameters; step counts updates done. */
export interface AdamWState {
  readonly m: Tensor[];
  readonly v: Tensor[];
  step: number;
}

export interface AdamWHyper {
  readonly lr: number;
  /** @default 0.9 */
  readonly beta1?: number;
  /** @default 0.95 */
  readonly beta2?: number;
  /** @default 1e-8 */
  readonly eps?: number;
  /** One value for all params, or one per param (e.g. 0 for norms and biases). @default 0 */
  readonly weightDecay?: number | readonly number[];
}

/** Moments of flattened params: one buffer each for m and v, laid out like the arena (m[i], v[i] are views). */
const flatMoments = new WeakMap<AdamWState, FlatMoments>();
interface FlatMoments {
  readonly arena: ParamArena;
  readonly m: Buf;
  readonly v: Buf;
}

/**
 * Zeroed moments for params (kept outside tidy scopes). For params flattened together (flattenParams), m and v
 * are laid out like the arena too, so adamw() can update everything in one dispatch per weight-decay group.
 */
export function adamwState(params: readonly Tensor[]): AdamWState {
  const arena = arenaOf(params);
  if (!arena) {
    const mk = (p: Tensor, s: string): Tensor => p.device.keep(p.device.zeros(p.shape, "f32", { name: `${p.name}.${s}` }));
    return { m: params.map((p) => mk(p, "m")), v: params.map((p) => mk(p, "v")), step: 0 };
  }
  const dev = arena.data.device;
  const whole = (s: string): Tensor => dev.keep(dev.zeros([arena.size], "f32", { name: `params.${s}` }));
  const [m, v] = [whole("m"), whole("v")];
  const viewOf = (base: Tensor, p: Tensor, s: string): Tensor => {
    const off = arena.offsets[arenaIndex(p)];
    const st = new Storage(dev.backend, dev.backend.view(base.buf, off, p.size, "f32"), p.size, base.storage);
    return new Tensor(dev, st, p.shape, "f32", { name: `${p.name}.${s}` });
  };
  const state: AdamWState = { m: params.map((p) => viewOf(m, p, "m")), v: params.map((p) => viewOf(v, p, "v")), step: 0 };
  flatMoments.set(state, { arena, m: m.buf, v: v.buf });
  m.dispose(); // the views keep the buffers alive
  v.dispose();
  return state;
}

/**
 * One fused AdamW update of every param that has a .grad (in place). With `clip`, grads are first scaled down to
 * a global norm of clip.maxNorm inside the same kernel (normSq from gradNormSquared), and a non-finite norm leaves
 * every param and moment untouched; nothing is read back, so the update queues behind the backward pass.
 */
export function adamw(params: readonly Tensor[], state: AdamWState, hp: AdamWHyper, clip: { normSq: Tensor; maxNorm: number } | null = null): void {
  if (state.m.length !== params.length) throw new ShapeError("adamw", `state has ${state.m.length} moments for ${params.length} params`, "create the state with adamwState(params) for the same list");
  f32Params("adamw", params);
  state.step++;
  const base = (i: number): AdamWParams => ({
    lr: hp.lr, beta1: hp.beta1 ?? 0.9, beta2: hp.beta2 ?? 0.95, eps: hp.eps ?? 1e-8, step: state.step,
    weightDecay: typeof hp.weightDecay === "number" ? hp.weightDecay : (hp.weightDecay?.[i] ?? 0),
  });
  const flat = flatMoments.get(state);
  if (flat && flatWithGrads(params) === flat.arena && flatGroupsUpdate(params, flat, base, clip)) return;
  params.forEach((p, i) => {
    if (p.grad) p.device.backend.adamw(p.buf, p.grad.buf, state.m[i].buf, state.v[i].buf, p.size, base(i), clip ? { normSq: clip.normSq.buf, maxNorm: clip.maxNorm } : null);
  });
}

/**
 * The update of flattened params as one dispatch per arena group, when every param of a group has the same
 * hyperparameters (else false, and nothing is done). Padding between params is zero in params, grads and moments,
 * and an AdamW step keeps it zero.
 */
function flatGroupsUpdate(params: readonly Tensor[], flat: FlatMoments, hpOf: (i: number) => AdamWParams, clip: { normSq: Tensor; maxNorm: number } | null): boolean {
  const { arena } = flat;
  const caller = new Array<number>(params.length);
  params.forEach((p, i) => (caller[arenaIndex(p)] = i));
  const perGroup = arena.groups.map((g) => {
    const hps = g.members.map((a) => hpOf(caller[a]));
    return hps.every((h) => h.weightDecay === hps[0].weightDecay) ? hps[0] : null;
  });
  if (perGroup.some((h) => h === null)) return false;
  const be = arena.data.device.backend;
  arena.groups.forEach((g, k) => {
    const n = g.end - g.start;
    const at = (b: Buf): Buf => be.view(b, g.start, n, "f32");
    be.adamw(at(arena.data.buf), at(arena.grads.buf), at(flat.m), at(flat.v), n, perGroup[k]!, clip ? { normSq: clip.normSq.buf, maxNorm: clip.maxNorm } : null);
  });
  return true;
}

/**
 * The sum of squares of every grad as a [1] tensor on the device (no read-back; the caller disposes it), or null
 * when no param has a grad. sqrt of its value is the global grad norm that clipGradNorm returns.
 */
export function gradNormSquared(params: readonly Tensor[]): Tensor | null {
  f32Params("gradNormSquared", params);
  const arena = flatWithGrads(params);
  if (arena) {
    const total = arena.data.device.empty([1], "f32", { name: "gradnorm.sq" });
    arena.data.device.backend.sumSquares(total.buf, 0, arena.grads.buf, arena.size);
    return total;
  }
  const withGrad = params.filter((p) => p.grad);
  if (withGrad.length === 0) return null;
  const dev = withGrad[0].device;
  const parts = dev.empty([withGrad.length], "f32", { name: "gradnorm.parts" });
  withGrad.forEach((p, i) => dev.backend.sumSquares(parts.buf, i, p.grad!.buf, p.size));
  const total = dev.empty([1], "f32", { name: "gradnorm.sq" });
  dev.backend.sum(total.buf, parts.buf, withGrad.length);
  parts.dispose();
  return total;
}

/** Global L2 norm of all grads; when over maxNorm, scales every grad by maxNorm/norm. Returns the norm before clipping. */
export async function clipGradNorm(params: readonly Tensor[], maxNorm: number): Promise<number> {
  f32Params("clipGradNorm", params);
  const normSq = gradNormSquared(params);
  if (!normSq) return 0;
  const norm = Math.sqrt((await normSq.read())[0]);
  normSq.dispose();
  if (norm > maxNorm && Number.isFinite(norm)) {
    const s = maxNorm / (norm + 1e-6);
    for (const p of params) if (p.grad) p.device.backend.scale(p.grad.buf, p.grad.buf, s, p.size);
  }
  return norm;
}

/** The optimizer kernels read f32 only: refuse f16 parameters (keep f32 master weights, cast in the forward). */
function f32Params(op: string, params: readonly Tensor[]): void {
  for (const p of params)
    if (p.dtype !== "f32") throw new DTypeError(op, p.describe(), p.dtype, `keep parameters f32 and cast them in the forward pass (ops.cast(w, "f16"))`);
}

/** Draw a token from a logits row (V) with temperature, top-k, top-p; rng returns uniforms in [0,1). */
export function sampleLogits(logits: Float32Array, opts: Partial<SampleOptions>, rng: () => number): number {
  return sampleLogitsRef(logits, { temperature: opts.temperature ?? 1, topK: opts.topK ?? 0, topP: opts.topP ?? 1 }, rng);
}
