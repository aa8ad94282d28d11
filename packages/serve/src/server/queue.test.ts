// The host engine's lock: first come first served, one holder, and waiters that leave on abort.
// Run: bun test packages/serve/src/server
import { expect, test } from "bun:test";
import { QueueAbortedError, SerialQueue } from "./queue.ts";

test("waiters get the lock in arrival order, one at a time", async () => {
  const q = new SerialQueue();
  const order: number[] = [];
  const job = async (i: number) => {
    const release = await q.acquire();
    order.push(i);
    await Bun.sleep(1);
    release();
  };
  await Promise.all([job(0), job(1), job(2)]);
  expect(order).toEqual([0, 1, 2]);
  expect([q.running, q.queued]).toEqual([0, 0]);
});

test("a waiter whose signal aborts leaves the line with QueueAbortedError, and the next one is served", async () => {
  const q = new SerialQueue();
  const release = await q.acquire();
  const ctrl = new AbortController();
  const gone = q.acquire(ctrl.signal);
  const next = q.acquire();
  expect(q.queued).toBe(2);
  ctrl.abort();
  await expect(gone).rejects.toBeInstanceOf(QueueAbortedError);
  expect(q.queued).toBe(1);
  release();
  release(); // a second release changes nothing
  (await next)();
  expect([q.running, q.queued]).toEqual([0, 0]);
});
