// `lathe serve <recipes...>`: builds the recipes' models if they are not cached, then serves them with an
// OpenAI-compatible API (/v1/models, /v1/completions, /v1/chat/completions, streaming, /health, /metrics) and a chat
// page at / (streaming chat, and a blind side-by-side comparison whose votes go to the ratings file `lathe rate` and
// `lathe eval` share), on 127.0.0.1 unless told otherwise, until Ctrl-C. Model ids are the names `lathe eval` uses
// for its columns ("train", "trial-2/train", "brown-gpt/train"). LATHE_API_KEY (or --api-key) guards /v1. A sweep
// serves every trial, or only its sweep.select choice when it has one and a trial is built (--trial overrides).
import { join } from "node:path";
import { decoderEngine, latheChatTemplate, startServer, type ServingEngine } from "@lathe/serve";
import { loadTokenizer, type Tokenizer } from "@lathe/tokenizer";
import { UsageError, type ParsedArgs } from "../args.ts";
import type { Workspace } from "../workspace.ts";
import { ensureBuilt } from "./ensure.ts";
import { planModels, recipeName } from "./models.ts";
import { defaultRatingsFile } from "./rate.ts";
import { selectedTrial, selectionNote } from "../trials/select.ts";

/** The special tokens a chat template needs; a tokenizer without them serves chat as plain completion. */
const CHAT_TOKENS = ["<|user|>", "<|assistant|>", "<|end|>"];

type Engine = ServingEngine & { close(): Promise<void> };

export async function serveCommand(ws: Workspace, args: ParsedArgs, signal: AbortSignal): Promise<number> {
  const o = args.options;
  const files = args.positionals.recipes as string[];
  let models = await planModels(ws, "serve", files, { sets: (o.set as string[] | undefined) ?? [], untilProducer: "model" });
  if (o.trial !== undefined) {
    const prefix = `${o.trial as string}/`;
    models = models.filter((m) => m.model.startsWith(prefix));
    if (models.length === 0) throw new UsageError("serve", o.trial as string, `no trial "${o.trial}"`, "give a trial prefix such as trial-2, or leave --trial out to serve every trial");
  } else {
    // A sweep with sweep.select serves its selected trial; without one (or with no built trial), every trial.
    for (const recipe of new Set(models.map((m) => m.recipe))) {
      const chosen = await selectedTrial(ws, "serve", recipe, (o.set as string[] | undefined) ?? []);
      if (!chosen) continue;
      process.stderr.write(`lathe serve: ${recipeName(recipe)}: ${selectionNote(chosen)}\n`);
      models = models.filter((m) => m.recipe !== recipe || m.ctx === recipe.contexts[chosen.index]);
    }
  }
  const port = (o.port as number | undefined) ?? 8080;
  if (port < 0 || port > 65535) throw new UsageError("serve", String(port), `--port must be 0..65535, got ${port}`, "write e.g. --port 8080 (0 picks a free port)");
  const served: { id: string; engine: Engine; chatTemplate: typeof latheChatTemplate | null }[] = [];
  try {
    for (const m of models) {
      const dirs = await ensureBuilt(ws, "serve", m.recipe, [m.model, m.tokenizer], { signal });
      const tokenizer = loadTokenizer(join(dirs.get(m.tokenizer)!, "tokenizer.json"));
      const chat = CHAT_TOKENS.every((t) => tokenizer.specialId(t) !== undefined);
      served.push({ id: m.name, engine: await startEngine(dirs.get(m.model)!, tokenizer), chatTemplate: chat ? latheChatTemplate : null });
    }
    const apiKey = (o["api-key"] as string | undefined) ?? process.env.LATHE_API_KEY;
    const ratingsFile = (o.ratings as string | undefined) ?? defaultRatingsFile(models.map((m) => recipeName(m.recipe)));
    const server = await startServer({
      models: served,
      host: (o.host as string | undefined) ?? "127.0.0.1",
      port,
      ratingsFile,
      ...(apiKey ? { apiKey } : {}),
      ...(o["max-queue"] !== undefined ? { maxQueue: o["max-queue"] as number } : {}),
      ...(o["max-tokens"] !== undefined ? { maxTokensCap: o["max-tokens"] as number } : {}),
      ...(o.timeout !== undefined ? { requestTimeoutMs: (o.timeout as number) * 1000 } : {}),
    });
    process.stderr.write(
      `serving ${served.map((s) => s.id).join(", ")} at ${server.url}  ·  chat page ${server.url}/  ·  OpenAI base URL ${server.url}/v1${apiKey ? "  ·  API key required" : ""}\n` +
        `votes from the page's comparison mode go to ${ratingsFile} · Ctrl-C stops\n`,
    );
    await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener("abort", () => resolve(), { once: true })));
    await server.stop();
  } finally {
    for (const s of served) await s.engine.close();
  }
  return 0;
}

/** The batched decoder engine (continuous batching; rnn and hybrid models fall back to the host engine inside it). */
function startEngine(trainDir: string, tokenizer: Tokenizer): Promise<Engine> {
  return decoderEngine({ trainDir, tokenizer, log: (line) => process.stderr.write(`${line}\n`) });
}
