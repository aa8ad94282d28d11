// `lathe worker --queue redis://… --remote-cache URL`: take the stages that `lathe build --queue` puts on the queue,
// on this machine, until Ctrl-C (or SIGTERM): inputs come from the remote cache, the stage runs by kind (the same
// registry as the planner's), its output goes back to the remote cache. One line per job on stdout.
import { hostname } from "node:os";
import { redactUrl, startWorker, type WorkerEvent } from "@lathe/engine";
import { UsageError, type ParsedArgs } from "../args.ts";
import { stageRegistry } from "../registry.ts";
import { formatDuration } from "../ui/format.ts";
import type { Workspace } from "../workspace.ts";
import { remoteOptions } from "./build.ts";

export async function workerCommand(ws: Workspace, args: ParsedArgs, signal: AbortSignal): Promise<number> {
  const o = args.options;
  const url = o.queue as string | undefined;
  if (url === undefined) throw new UsageError("worker", undefined, "--queue is required", "give the Redis URL the builds use, e.g. --queue redis://10.0.0.5:6379");
  const { remote } = remoteOptions(o, process.env, "worker");
  if (!remote) throw new UsageError("worker", undefined, "--remote-cache is required (or LATHE_REMOTE_CACHE)", "give the Turborepo remote cache the builds use: inputs and outputs travel through it");
  for (const name of ["gpu-slots", "concurrency"] as const) {
    const v = o[name] as number | undefined;
    const min = name === "gpu-slots" ? 0 : 1;
    if (v !== undefined && v < min) throw new UsageError("worker", String(v), `--${name} must be at least ${min}, got ${v}`, `write e.g. --${name} ${min + 1}`);
  }
  const out = (line: string): void => void process.stdout.write(`${line}\n`);
  const registry = stageRegistry();
  const worker = await startWorker({
    url,
    remote,
    cacheDir: ws.cacheDir,
    root: ws.root,
    runner: (kind) => registry.runner(kind),
    name: (o.name as string | undefined) ?? `${hostname()}-${process.pid}`,
    ...(o.concurrency !== undefined ? { concurrency: o.concurrency as number } : {}),
    ...(o["gpu-slots"] !== undefined ? { gpuSlots: o["gpu-slots"] as number } : {}),
    onEvent: (e) => out(workerLine(e, redactUrl(url), remote.url)),
  });
  const stop = new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    signal.addEventListener("abort", () => resolve(), { once: true });
    process.once("SIGTERM", () => resolve());
  });
  await stop;
  out(`worker ${worker.name}: stopping; running stages finish first`);
  await worker.close();
  return 0;
}

/** One line per worker event, in the plain renderer's columns. */
export function workerLine(e: WorkerEvent, url: string, cache: string): string {
  switch (e.type) {
    case "ready":
      return `worker ${e.worker}: taking jobs from ${url} (${e.queues.map((q) => `${q.name} ×${q.slots}`).join(", ")}), remote cache ${cache}; Ctrl-C stops`;
    case "job-start":
      return `start    ${e.id} (${e.kind}) for ${e.from}${e.attempt > 1 ? `, attempt ${e.attempt}` : ""}`;
    case "job-log":
      return `${e.id} | ${e.line}`;
    case "job-done":
      return e.reused ? `reused   ${e.id} (already in the remote cache)` : `done     ${e.id} ${formatDuration(e.durationMs)}, uploaded ${(e.bytes / 1024).toFixed(1)} KiB`;
    case "job-failed":
      return `FAILED   ${e.id}: ${e.error}`;
  }
}
