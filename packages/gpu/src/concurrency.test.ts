// Gradient mode and tidy() scopes are per call (per async context): two interleaved requests on one device never
// switch gradients off for each other or free each other's tensors. Runs on the CPU backend and on WebGPU (skipped
// with a printed reason without an adapter): bun test src/concurrency.test.ts
import { describe, expect, test } from "bun:test";
import { backward, getDevice, noGrad, ops } from "./index.ts";
import { gradEnabled } from "./autograd.ts";
import type { Device, Tensor } from "./tensor.ts";
import { testDevice } from "./testing.ts";

/** A promise with its resolve: lets a test decide exactly where two async calls interleave. */
function gate(): { readonly wait: Promise<void>; open(): void } {
  let open!: () => void;
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}

/** Yield to the event loop (timers and I/O too, not only microtasks), as a server between two requests would. */
const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

const values = async (t: Tensor): Promise<number[]> => Array.from(await t.read());

function concurrencyCases(name: string, maybe: Device | null): void {
  const dev = maybe!;
  describe.skipIf(!maybe)(name, () => {
    test("a request inside an awaiting noGrad does not switch off another request's gradients", async () => {
      const x = dev.tensor([1, 2, 3, 4, 5, 6], [2, 3], { name: "x" }); // (2,3)
      const w = dev.tensor([0.5, -1, 2, 0, 1, -0.5], [3, 2], { requiresGrad: true, name: "w" }); // (3,2)
      const inside = gate(); // request 1 is suspended inside noGrad
      const recorded = gate(); // request 2 has recorded its tape
      const evalReq = noGrad(async () => {
        const y = ops.matmul(x, w); // (2,2)
        inside.open();
        await recorded.wait;
        await tick();
        const z = ops.gelu(ops.matmul(x, w)); // still inside noGrad after the awaits
        return { y, z, enabled: gradEnabled() };
      });
      const trainReq = (async () => {
        await inside.wait;
        expect(gradEnabled()).toBe(true);
        const loss = ops.sum(ops.mul(ops.matmul(x, w), ops.matmul(x, w))); // sum((x w)^2)
        recorded.open();
        await tick();
        backward(loss);
        return loss;
      })();
      const [ev, loss] = await Promise.all([evalReq, trainReq]);
      expect(ev.enabled).toBe(false);
      for (const t of [ev.y, ev.z]) {
        expect(t.requiresGrad).toBe(false);
        expect(t.node).toBeNull();
      }
      // d/dw sum((x w)^2) = 2 x^T (x w)
      const xs = [1, 2, 3, 4, 5, 6];
      const ws = [0.5, -1, 2, 0, 1, -0.5];
      const xw = [0, 1].flatMap((i) => [0, 1].map((j) => [0, 1, 2].reduce((a, k) => a + xs[i * 3 + k] * ws[k * 2 + j], 0)));
      const want = [0, 1, 2].flatMap((k) => [0, 1].map((j) => 2 * (xs[k] * xw[j] + xs[3 + k] * xw[2 + j])));
      const got = await values(w.grad!);
      got.forEach((g, i) => expect(g).toBeCloseTo(want[i], 3));
      expect((await values(loss))[0]).toBeCloseTo(xw.reduce((a, v) => a + v * v, 0), 3);
      expect(gradEnabled()).toBe(true);
      for (const t of [x, w, ev.y, ev.z, loss]) t.dispose();
    });

    test("two interleaved async tidy scopes each dispose only their own temporaries", async () => {
      const aStarted = gate();
      const bStarted = gate();
      const aDone = gate();
      let a1!: Tensor, a2!: Tensor, b1!: Tensor, b2!: Tensor, outside!: Tensor;
      const reqA = dev.tidy(async () => {
        a1 = dev.tensor([1, 2], [2], { name: "a1" });
        aStarted.open();
        await bStarted.wait; // B's scope is open now, and newer than A's
        await tick();
        a2 = ops.scale(a1, 10); // made after B opened its scope: still A's
        return ops.add(a1, a2); // (2): the result outlives A's scope
      });
      const reqB = dev.tidy(async () => {
        await aStarted.wait;
        b1 = dev.tensor([3, 4], [2], { name: "b1" });
        bStarted.open();
        await aDone.wait; // A closes its scope while B's is open
        await tick();
        const seen = await values(b1); // still alive and readable
        b2 = ops.scale(b1, 2);
        return { seen, out: ops.add(b1, b2) };
      });
      const third = (async () => {
        await bStarted.wait;
        outside = dev.tensor([7], [1], { name: "outside" }); // a third caller, in no scope
      })();
      const aOut = await reqA;
      await third;
      expect(a1.disposed).toBe(true);
      expect(a2.disposed).toBe(true);
      expect(b1.disposed).toBe(false);
      expect(await values(b1)).toEqual([3, 4]);
      aDone.open();
      const bOut = await reqB;
      expect(bOut.seen).toEqual([3, 4]);
      expect(b1.disposed).toBe(true);
      expect(b2.disposed).toBe(true);
      expect(await values(aOut)).toEqual([11, 22]);
      expect(await values(bOut.out)).toEqual([9, 12]);
      expect(await values(outside)).toEqual([7]);
      for (const t of [aOut, bOut.out, outside]) t.dispose();
    });

    test("a sync tidy inside an async one frees its temporaries and hands its result to the async scope only", async () => {
      const inAsync = gate();
      const other = gate();
      let tmp!: Tensor, mid!: Tensor, theirs!: Tensor;
      const mine = dev.tidy(async () => {
        await inAsync.wait;
        mid = dev.tidy(() => {
          tmp = dev.tensor([1, 2], [2]);
          return ops.scale(tmp, 3);
        });
        expect(tmp.disposed).toBe(true);
        other.open();
        await tick();
        return (await values(mid)).slice();
      });
      const theirsReq = dev.tidy(async () => {
        theirs = dev.tensor([5], [1]);
        inAsync.open();
        await other.wait;
        await tick();
        await tick();
        return values(theirs);
      });
      expect(await mine).toEqual([3, 6]);
      expect(mid.disposed).toBe(true); // promoted into the async scope, freed when it closed
      expect(await theirsReq).toEqual([5]);
      expect(theirs.disposed).toBe(true);
    });

    test("nested tidy and noGrad behave as before", async () => {
      const w = dev.tensor([1, -2], [2], { requiresGrad: true });
      let inner!: Tensor, kept!: Tensor;
      const outer = dev.tidy(() => {
        const mid = dev.tidy(() => {
          inner = ops.gelu(w);
          kept = dev.keep(ops.scale(w, 2));
          return ops.scale(inner, 2);
        });
        expect(inner.disposed).toBe(true);
        expect(mid.disposed).toBe(false); // handed to the outer scope
        const y = noGrad(() => {
          const a = ops.gelu(w);
          const b = noGrad(() => ops.gelu(a));
          expect(gradEnabled()).toBe(false);
          return ops.add(a, b);
        });
        expect(gradEnabled()).toBe(true);
        expect(y.requiresGrad).toBe(false);
        return { mid, y, z: ops.sum(mid) };
      });
      expect(outer.mid.disposed).toBe(false);
      expect(outer.z.requiresGrad).toBe(true);
      expect(kept.disposed).toBe(false);
      expect(() => noGrad(() => {
        throw new Error("boom");
      })).toThrow("boom");
      expect(gradEnabled()).toBe(true);
      await expect(noGrad(async () => {
        await tick();
        throw new Error("late boom");
      })).rejects.toThrow("late boom");
      expect(gradEnabled()).toBe(true);
      let dropped!: Tensor;
      await expect(dev.tidy(async () => {
        dropped = dev.tensor([1], [1]);
        await tick();
        throw new Error("tidy boom");
      })).rejects.toThrow("tidy boom");
      expect(dropped.disposed).toBe(true);
      for (const t of [w, outer.mid, outer.y, outer.z, kept]) t.dispose();
    });

    test("work that outlives its tidy() falls through to the enclosing scope, and a scope frees only its device's tensors", async () => {
      const other = await getDevice({ backend: "cpu" });
      let late!: Promise<Tensor>, foreign!: Tensor;
      const lateOut = await dev.tidy(async () => {
        dev.tidy(() => {
          late = (async () => {
            await tick();
            return dev.tensor([1], [1]); // made after the inner scope closed
          })();
          foreign = other.tensor([2], [1]);
        });
        const t = await late;
        expect(t.disposed).toBe(false); // held by the outer scope now
        return { t };
      });
      expect(lateOut.t.disposed).toBe(false); // returned: it outlives both scopes
      expect(await values(foreign)).toEqual([2]); // another device's tensor is in no scope of dev
      let orphan!: Promise<Tensor>;
      dev.tidy(() => {
        orphan = (async () => {
          await tick();
          return dev.tensor([3], [1]); // no scope is open any more: nobody frees it
        })();
      });
      const o = await orphan;
      expect(o.scope).toBeNull();
      expect(await values(o)).toEqual([3]);
      for (const t of [lateOut.t, foreign, o]) t.dispose();
      other.destroy();
    });

    test("a result kept inside an async scope survives it, and dispose inside one untracks the tensor", async () => {
      let kept!: Tensor, gone!: Tensor;
      await dev.tidy(async () => {
        kept = dev.keep(dev.tensor([1, 2], [2]));
        gone = dev.tensor([3], [1]);
        await tick();
        gone.dispose();
      });
      expect(gone.disposed).toBe(true);
      expect(await values(kept)).toEqual([1, 2]);
      kept.dispose();
    });
  });
}

concurrencyCases("per-call gradient mode and tidy scopes (CPU)", await getDevice({ backend: "cpu" }));
concurrencyCases("per-call gradient mode and tidy scopes (WebGPU)", await testDevice());
