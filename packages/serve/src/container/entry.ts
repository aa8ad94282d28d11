// The server entry of an exported container: bundled by exportContainer into <context>/lathe/packages/serve/dist/
// server.js (runtime.ts says why there), it serves the model files in the working directory (model.safetensors,
// config.json, tokenizer.json; lathe-serve.json names the model and port) with startServer, and stops cleanly on
// SIGTERM/SIGINT (the container's `docker stop`).
// Run, in an exported context: bun lathe/packages/serve/dist/server.js [--host 0.0.0.0] [--port 8080] [--backend auto|webgpu|cpu]
// Environment: LATHE_API_KEY (bearer key for the /v1/ routes), LATHE_MODEL_DIR (the model files elsewhere).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadTokenizer } from "@lathe/tokenizer";
import { hostEngine, latheChatTemplate, ServerConfigError, startServer, type HostEngine } from "../server/index.ts";

/** lathe-serve.json: what exportContainer knew about the model. */
export interface ServeConfig {
  /** The model id clients send as `model`. */
  readonly model: string;
  /** The port the image exposes. */
  readonly port: number;
}

const dir = process.env.LATHE_MODEL_DIR || process.cwd();
const cfg = JSON.parse(readFileSync(join(dir, "lathe-serve.json"), "utf8")) as ServeConfig;
const { values: args } = parseArgs({
  options: { host: { type: "string", default: "127.0.0.1" }, port: { type: "string", default: String(cfg.port) }, backend: { type: "string", default: "auto" } },
});
const backend = args.backend as "auto" | "webgpu" | "cpu";
if (!["auto", "webgpu", "cpu"].includes(backend)) throw new ServerConfigError("--backend", `"${backend}" is not a backend`, "use auto, webgpu or cpu");
const port = Number(args.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ServerConfigError("--port", `"${args.port}" is not a port`, "use an integer in 0..65535 (0: any free port)");

const tokenizer = loadTokenizer(join(dir, "tokenizer.json"));
// The engine behind the server; the batched decoder replaces the host engine here.
const engine: HostEngine = await hostEngine({ trainDir: dir, tokenizer, backend });
// Models trained on Lathe's chat documents know the role tokens; a base model gets its messages joined.
const chat = tokenizer.specialId("<|assistant|>") !== undefined && tokenizer.specialId("<|end|>") !== undefined;
const server = await startServer({
  engine,
  model: cfg.model,
  host: args.host,
  port,
  apiKey: process.env.LATHE_API_KEY || undefined,
  chatTemplate: chat ? latheChatTemplate : null,
});
console.log(`lathe-serve: ${cfg.model} listening on ${server.url}`);

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`lathe-serve: ${signal}, stopping`);
  await server.stop();
  await engine.close();
  process.exit(0);
}
process.on("SIGTERM", () => void stop("SIGTERM"));
process.on("SIGINT", () => void stop("SIGINT"));
