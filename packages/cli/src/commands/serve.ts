// `lathe serve <recipe>`: builds the recipe's model if it is not cached, then serves it with an OpenAI-compatible API
// (/v1/models, /v1/completions, /v1/chat/completions, streaming, /health, /metrics) on 127.0.0.1 unless told
// otherwise, until Ctrl-C. LATHE_API_KEY (or --api-key) makes every /v1 request need `Authorization: Bearer <key>`.
import { join } from "node:path";
import { hostEngine, latheChatTemplate, startServer, type ServingEngine } from "@lathe/serve";
import { loadTokenizer } from "@lathe/tokenizer";
import { UsageError, type ParsedArgs } from "../args.ts";
import { loadPlanned, modelStageIds, pickTrial, recipePath } from "../load.ts";
import type { Workspace } from "../workspace.ts";
import { ensureBuilt } from "./ensure.ts";
import { recipeName } from "./models.ts";

/** The special tokens a chat template needs; a tokenizer without them serves chat as plain completion. */
const CHAT_TOKENS = ["<|user|>", "<|assistant|>", "<|end|>"];

export async function serveCommand(ws: Workspace, args: ParsedArgs, signal: AbortSignal): Promise<number> {
  const o = args.options;
  const file = recipePath(ws, "serve", args.positionals.recipe as string);
  const recipe = await loadPlanned(ws, file, { sets: (o.set as string[] | undefined) ?? [], untilProducer: "model", command: "serve" });
  const ctx = pickTrial("serve", recipe, o.trial as string | undefined);
  const { model, tokenizer: tok } = modelStageIds(recipe, ctx);
  const dirs = await ensureBuilt(ws, "serve", recipe, [model, tok], { signal });
  const port = (o.port as number | undefined) ?? 8080;
  if (port < 0 || port > 65535) throw new UsageError("serve", String(port), `--port must be 0..65535, got ${port}`, "write e.g. --port 8080 (0 picks a free port)");
  const tokenizer = loadTokenizer(join(dirs.get(tok)!, "tokenizer.json"));
  const engine = (await startEngine(dirs.get(model)!, tokenizer)) as ServingEngine & { close(): Promise<void> };
  const chat = CHAT_TOKENS.every((t) => tokenizer.specialId(t) !== undefined);
  const apiKey = (o["api-key"] as string | undefined) ?? process.env.LATHE_API_KEY;
  const server = await startServer({
    engine,
    model: recipeName(recipe),
    host: (o.host as string | undefined) ?? "127.0.0.1",
    port,
    ...(apiKey ? { apiKey } : {}),
    ...(o["max-queue"] !== undefined ? { maxQueue: o["max-queue"] as number } : {}),
    ...(o["max-tokens"] !== undefined ? { maxTokensCap: o["max-tokens"] as number } : {}),
    ...(o.timeout !== undefined ? { requestTimeoutMs: (o.timeout as number) * 1000 } : {}),
    chatTemplate: chat ? latheChatTemplate : null,
  });
  process.stderr.write(
    `serving ${recipeName(recipe)} (${model}) at ${server.url}  ·  OpenAI base URL ${server.url}/v1${apiKey ? "  ·  API key required" : ""}\n` +
      `${chat ? "chat uses the Lathe chat template" : "base model: chat is plain completion of the messages"} · Ctrl-C stops\n`,
  );
  await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener("abort", () => resolve(), { once: true })));
  await server.stop();
  await engine.close();
  return 0;
}

/** The batched decoder engine when @lathe/serve has one (gpt models), else the host engine. */
async function startEngine(trainDir: string, tokenizer: ReturnType<typeof loadTokenizer>): Promise<ServingEngine> {
  const serve = (await import("@lathe/serve")) as Record<string, unknown>;
  const decoder = serve.decoderEngine as ((o: { trainDir: string; tokenizer: typeof tokenizer }) => Promise<ServingEngine>) | undefined;
  return decoder ? decoder({ trainDir, tokenizer }) : hostEngine({ trainDir, tokenizer });
}
