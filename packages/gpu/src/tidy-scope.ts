// tidy() scopes, one per call and carried by the call's async context (AsyncLocalStorage), not a stack on the device.
// A tensor made while dev.tidy(fn) runs — in fn's synchronous part or any continuation of it (awaits, timers,
// promises it starts) — joins the innermost open scope of its device in that context, and only that scope frees it.
// So two requests in flight on one device (each in its own async tidy) never capture or free each other's tensors,
// and a tensor made by a caller outside every tidy() is never captured. Each tensor is in at most one scope
// (Tensor.scope), so keep() and dispose() leave it in O(1).
//
// Scopes link to the scope that was current where tidy() was called (any device); a tensor looks up that chain for
// its own device's nearest open scope. Work that outlives its scope (a promise fn started and did not await) falls
// through to the nearest open ancestor, or to no scope.
import { AsyncLocalStorage } from "node:async_hooks";
import type { Device, Tensor } from "./tensor.ts";

export class TidyScope {
  /** Tensors this scope frees when it closes (unless returned or kept). */
  readonly tensors = new Set<Tensor>();
  open = true;

  constructor(
    readonly device: Device,
    /** The scope current where tidy() was called, of any device. */
    readonly parent: TidyScope | null,
  ) {}

  /** Track t here (it is in no other scope). */
  adopt(t: Tensor): void {
    t.scope = this;
    this.tensors.add(t);
  }

  /** Stop tracking t (keep, dispose). */
  drop(t: Tensor): void {
    this.tensors.delete(t);
    t.scope = null;
  }

  /**
   * Close the scope: tensors in `survivors` move to the nearest open scope of this device above it (or to none),
   * the others are disposed.
   */
  close(survivors: ReadonlySet<Tensor>): void {
    this.open = false;
    const heir = openScope(this.parent, this.device);
    for (const t of this.tensors) {
      if (!survivors.has(t)) t.dispose(); // drops it from this.tensors (deleting while iterating a Set is safe)
      else if (heir) heir.adopt(t);
      else t.scope = null;
    }
    this.tensors.clear();
  }
}

const current = new AsyncLocalStorage<TidyScope>();

/** The innermost scope in this async context, of any device (null outside every tidy()). */
export function currentScope(): TidyScope | null {
  return current.getStore() ?? null;
}

/** The nearest open scope of dev at or above s. */
export function openScope(s: TidyScope | null, dev: Device): TidyScope | null {
  while (s && (s.device !== dev || !s.open)) s = s.parent;
  return s;
}

/** Run fn with scope current for everything it starts. */
export function runInScope<R>(scope: TidyScope, fn: () => R): R {
  return current.run(scope, fn);
}
