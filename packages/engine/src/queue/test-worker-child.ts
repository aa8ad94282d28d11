// A worker process for the queue's tests: the engine's fixture stage kinds in a registry, run through startWorker.
// Usage: bun src/queue/test-worker-child.ts '<json: WorkerOptions minus runner and onEvent>'
// Prints each WorkerEvent as a JSON line ({"type":"ready",...} first); SIGTERM closes it.

import { StageRegistry, type StageKind } from "../registry.ts";
import { slowWriteRun, stage } from "../test-fixtures.ts";
import { startWorker, type WorkerOptions } from "./worker.ts";

const kinds: StageKind[] = [
  { name: "concat", kind: "fixture.concat", reads: [], wantedBy: [], consumes: {}, produces: [], load: async () => ({ plan: () => stage("x"), run: stage("x").run }) },
  { name: "slow", kind: "fixture.slow", reads: [], wantedBy: [], consumes: {}, produces: [], load: async () => ({ plan: () => stage("x"), run: slowWriteRun }) },
];
const registry = new StageRegistry().register(...kinds);
const o = JSON.parse(process.argv[2] ?? "{}") as Omit<WorkerOptions, "runner" | "onEvent">;
const worker = await startWorker({ ...o, runner: (kind) => registry.runner(kind), onEvent: (e) => console.log(JSON.stringify(e)) });
process.on("SIGTERM", () => {
  void worker.close(true).then(() => process.exit(0));
});
