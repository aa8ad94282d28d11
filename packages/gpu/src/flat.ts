// Parameters packed into one device buffer. flattenParams moves each param into a view at a 256-byte-aligned offset
// of one buffer (the model keeps its Tensor objects) and gives it a gradient slot at the same offset of a second
// buffer. When every param's grad sits in its slot, AdamW runs once per weight-decay group over the whole buffers and
// the global grad norm is one reduction, instead of one dispatch per tensor each: on a software adapter, where a
// dispatch costs ~45 µs, that is most of the optimizer's time for a small model.
import { VIEW_ALIGN_BYTES } from "./backend.ts";
import { DTypeError, ShapeError } from "./errors.ts";
import { Storage, Tensor } from "./tensor.ts";

/** Floats per alignment step: every param starts at a multiple of this element offset. */
const ALIGN = VIEW_ALIGN_BYTES / 4;

/** A contiguous range [start, end) of the arena holding the params of one group. */
export interface ArenaGroup {
  readonly start: number;
  readonly end: number;
  /** Indices (into ParamArena.params) of the params in this range. */
  readonly members: readonly number[];
}

export interface ParamArena {
  readonly params: readonly Tensor[];
  /** Element offset of params[i] in the arena. */
  readonly offsets: readonly number[];
  /** Ranges of the arena by group, in arena order. */
  readonly groups: readonly ArenaGroup[];
  /** Elements in the arena, padding included (padding stays zero in params, grads and moments). */
  readonly size: number;
  /** All params as one 1-D tensor. */
  readonly data: Tensor;
  /** All grad slots as one 1-D tensor. */
  readonly grads: Tensor;
}

const membership = new WeakMap<Tensor, { readonly arena: ParamArena; readonly index: number }>();
const slots = new WeakMap<Tensor, Tensor>();

/**
 * Move params (f32 leaves on one device, in no arena yet) into one buffer, ordered by group (group(i) of params[i];
 * equal groups keep their order), each starting 256-byte aligned. Their current values and grads are copied over.
 */
export function flattenParams(params: readonly Tensor[], group: (i: number) => number = () => 0): ParamArena {
  if (params.length === 0) throw new ShapeError("flattenParams", "no params", "pass the model's parameter tensors");
  const dev = params[0].device;
  for (const p of params) {
    if (p.dtype !== "f32") throw new DTypeError("flattenParams", p.describe(), p.dtype, "keep parameters f32 (cast them in the forward pass)");
    if (p.device !== dev) throw new ShapeError("flattenParams", `${p.describe()} is on another device`, "flatten the params of one device together");
    if (p.node) throw new ShapeError("flattenParams", `${p.describe()} is not a leaf`, "flatten parameters, not results of ops");
    if (membership.has(p)) throw new ShapeError("flattenParams", `${p.describe()} is already in an arena`, "flatten each parameter list once");
  }
  const order = params.map((_, i) => i).sort((a, b) => group(a) - group(b) || a - b);
  const offsets = new Array<number>(params.length);
  const groups: { start: number; end: number; members: number[]; key: number }[] = [];
  let at = 0;
  for (const i of order) {
    if (groups.at(-1)?.key !== group(i)) groups.push({ start: at, end: at, members: [], key: group(i) });
    const cur = groups.at(-1)!;
    offsets[i] = at;
    at += Math.ceil(params[i].size / ALIGN) * ALIGN;
    cur.members.push(i);
    cur.end = at;
  }
  const size = at;
  const data = dev.keep(dev.zeros([size], "f32", { name: "params" }));
  const grads = dev.keep(dev.zeros([size], "f32", { name: "grads" }));
  const arena: ParamArena = { params: [...params], offsets, groups: groups.map(({ start, end, members }) => ({ start, end, members })), size, data, grads };
  params.forEach((p, i) => {
    const into = (base: Tensor): Storage => new Storage(dev.backend, dev.backend.view(base.buf, offsets[i], p.size, "f32"), p.size, base.storage);
    const st = into(data);
    dev.backend.copy(st.buf, p.buf, p.size);
    p.rebase(st);
    const slot = new Tensor(dev, into(grads), p.shape, "f32", { name: `${p.name}.grad` });
    if (p.grad) {
      dev.backend.copy(slot.buf, p.grad.buf, p.size);
      p.grad.dispose();
      p.grad = slot;
    }
    slots.set(p, slot);
    membership.set(p, { arena, index: i });
  });
  return arena;
}

/** Slots handed to an op's backward by gradOutput() and not yet taken up as their param's .grad. */
const handedOut = new WeakSet<Tensor>();

/** The grad slot of a flattened param (where backward() leaves its grad), or undefined. */
export function gradSlot(p: Tensor): Tensor | undefined {
  return slots.get(p);
}

/**
 * Where an op's backward writes the grad of its input t: t's slot when t is a flattened param whose grad is not
 * set yet in this backward (so backward() need not copy it there), else a fresh tensor of t's shape.
 */
export function gradOutput(t: Tensor): Tensor {
  const slot = slots.get(t);
  if (slot && t.grad === null && !handedOut.has(slot)) {
    handedOut.add(slot);
    return slot;
  }
  return t.device.empty(t.shape, t.dtype, { name: "d" + t.name });
}

/** backward() made slot its param's .grad (or zeroGrad() cleared it): gradOutput may hand it out again later. */
export function slotSettled(slot: Tensor): void {
  handedOut.delete(slot);
}

/** The arena params[*] all belong to (each once, all of it), or null. */
export function arenaOf(params: readonly Tensor[]): ParamArena | null {
  const first = params.length ? membership.get(params[0]) : undefined;
  if (!first || first.arena.params.length !== params.length) return null;
  const seen = new Set<number>();
  for (const p of params) {
    const m = membership.get(p);
    if (!m || m.arena !== first.arena || seen.has(m.index)) return null;
    seen.add(m.index);
  }
  return first.arena;
}

/** arenaOf(params) when every param's grad is in its slot (backward() ran for all of them), else null. */
export function flatWithGrads(params: readonly Tensor[]): ParamArena | null {
  const arena = arenaOf(params);
  return arena && params.every((p) => p.grad !== null && p.grad === slots.get(p)) ? arena : null;
}

/** Index of p in its arena's params, or -1. */
export function arenaIndex(p: Tensor): number {
  return membership.get(p)?.index ?? -1;
}
