// Reverse-mode autograd: ops attach a TapeNode to their output when an input requires grad; backward(loss)
// walks the nodes in reverse topological order, accumulates gradients, fills .grad of leaves and frees the tape.
//
// Gradient mode is per call, not global: noGrad(fn) switches recording off for the work fn starts (its synchronous
// part and every continuation of it: awaits, timers, promises it creates) through an AsyncLocalStorage context, and
// for nothing else. Another request running between fn's awaits (a server's second request, a training step beside
// an RL rollout) records its tape as usual. Outside any noGrad, the cost is one getStore() per op with grad inputs.
import { AsyncLocalStorage } from "node:async_hooks";
import { ShapeError } from "./errors.ts";
import { gradSlot, slotSettled } from "./flat.ts";
import type { Device, TapeNode, Tensor } from "./tensor.ts";
import type { DType } from "./types.ts";

/** Holds true in the async context of work started inside noGrad(); undefined elsewhere. */
const noGradContext = new AsyncLocalStorage<true>();

/** Whether ops record onto the tape here: false inside noGrad() (in this call's async context only). */
export function gradEnabled(): boolean {
  return noGradContext.getStore() !== true;
}

/** True when ops should record onto the tape for these inputs. */
export function needsGrad(...inputs: (Tensor | null | undefined)[]): boolean {
  return inputs.some((t) => t?.requiresGrad === true) && noGradContext.getStore() !== true;
}

/** Attach a node to an op's output (call only when needsGrad(...) was true). */
export function record(out: Tensor, node: TapeNode): Tensor {
  out.requiresGrad = true;
  out.node = node;
  return out;
}

/**
 * Run fn without recording onto the tape (evaluation, sampling, optimizer steps). For an async fn this holds across
 * its awaits and only for it: calls running concurrently outside fn keep recording. Nested noGrad calls are free.
 */
export function noGrad<R>(fn: () => R): R {
  return noGradContext.getStore() === true ? fn() : noGradContext.run(true, fn);
}

/** dst += src over n elements of dtype (gradients have their tensor's dtype). */
function accumulateInto(dev: Device, dst: Tensor, src: Tensor, n: number, dtype: DType): void {
  if (dtype === "f16") dev.backend.halfOp("accumulate", dst.buf, null, src.buf, n, n, 0);
  else dev.backend.accumulate(dst.buf, src.buf, n);
}

function topo(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  const stack: [Tensor, number][] = [[root, 0]];
  seen.add(root);
  while (stack.length) {
    const top = stack[stack.length - 1];
    const [t, i] = top;
    const inputs = t.node?.inputs ?? [];
    if (i < inputs.length) {
      top[1]++;
      const c = inputs[i];
      if (c.requiresGrad && !seen.has(c)) {
        seen.add(c);
        stack.push([c, 0]);
      }
    } else {
      stack.pop();
      order.push(t);
    }
  }
  return order.reverse();
}

/**
 * Backpropagate from a scalar (size-1) loss. Leaves (requiresGrad, no node) get .grad, added to an existing
 * .grad. The tape is freed afterwards: backward() can run once per forward.
 */
export function backward(loss: Tensor): void {
  if (loss.size !== 1) throw new ShapeError("backward", `loss ${loss.describe()} is not a scalar`, "reduce it with ops.sum or ops.mean first");
  if (!loss.requiresGrad) throw new ShapeError("backward", `loss ${loss.describe()} does not require grad`, "make a parameter with { requiresGrad: true } and don't compute the loss inside noGrad()");
  const dev = loss.device;
  const grads = new Map<Tensor, Tensor>();
  grads.set(loss, dev.full(loss.shape, 1, loss.dtype));
  for (const t of topo(loss)) {
    const g = grads.get(t);
    if (!g) continue;
    grads.delete(t);
    const node = t.node;
    if (!node) {
      const slot = gradSlot(t);
      if (t.grad) {
        accumulateInto(dev, t.grad, g, t.size, t.dtype);
        g.dispose();
      } else if (slot) {
        // A flattened param's grad lives in its slot (flat.ts); ops write it there directly through gradOutput().
        if (g !== slot) {
          dev.backend.copy(slot.buf, g.buf, t.size);
          g.dispose();
        }
        slotSettled(slot);
        t.grad = slot;
      } else {
        t.grad = dev.keep(g);
      }
      continue;
    }
    // Gradients the inputs already have: an op may add into them rather than return a tensor to be added.
    const into = node.inputs.map((inp) => (inp.requiresGrad ? (grads.get(inp) ?? null) : null));
    const gin = node.backward(g, into);
    g.dispose();
    node.inputs.forEach((inp, k) => {
      const gi = gin[k];
      if (!gi) return;
      if (!inp.requiresGrad) {
        gi.dispose();
        return;
      }
      const prev = grads.get(inp);
      if (gi === prev) return; // the op added into it
      if (prev) {
        accumulateInto(dev, prev, gi, inp.size, inp.dtype);
        gi.dispose();
      } else grads.set(inp, gi);
    });
    node.release();
    t.node = null;
    t.requiresGrad = false;
  }
  for (const g of grads.values()) g.dispose();
}

/** Dispose the .grad of each tensor (a flattened param's grad slot is kept for the next backward). */
export function zeroGrad(params: readonly Tensor[]): void {
  for (const p of params) {
    const slot = gradSlot(p);
    if (slot) slotSettled(slot);
    if (p.grad !== slot) p.grad?.dispose();
    p.grad = null;
  }
}
