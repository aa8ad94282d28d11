// A first-come lock for an engine that runs one request at a time (the host engine): waiters leave the line when
// their signal aborts, and the holder releases it exactly once.

/** Thrown to a waiter whose signal aborted before its turn. */
export class QueueAbortedError extends Error {
  override readonly name = "QueueAbortedError";
  constructor(options?: { cause?: unknown }) {
    super("the request was cancelled while it waited for the engine", options);
  }
}

export class SerialQueue {
  private readonly waiting: { grant: () => void }[] = [];
  private busy = false;

  get queued(): number {
    return this.waiting.length;
  }

  get running(): number {
    return this.busy ? 1 : 0;
  }

  /** Resolves with a release function once it is this caller's turn; rejects if signal aborts first. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(new QueueAbortedError({ cause: signal.reason }));
    return new Promise((resolve, reject) => {
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        this.busy = false;
        this.waiting.shift()?.grant();
      };
      const entry = {
        grant: () => {
          signal?.removeEventListener("abort", onAbort);
          this.busy = true;
          resolve(release);
        },
      };
      const onAbort = () => {
        const i = this.waiting.indexOf(entry);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(new QueueAbortedError({ cause: signal?.reason }));
      };
      if (!this.busy) return entry.grant();
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiting.push(entry);
    });
  }
}
