// Distributed builds: build() queues stages on BullMQ (BuildOptions.queue) and workers (startWorker) run them, with
// inputs and outputs travelling through the remote cache.

export { startWorker, type StageWorker, type WorkerOptions, type WorkerEvent } from "./worker.ts";
export { QueueError } from "./errors.ts";
export { redactUrl, DEFAULT_QUEUE_NAME, JOB_FORMAT, type StageJob, type JobResult, type WorkerReport } from "./job.ts";
