// `lathe chat <recipe>`: a conversation with one of the recipe's model stages (base, sft, dpo, rl; by default its
// latest). Builds that stage if it is not cached, then opens the chat screen in a terminal, or line mode when stdin or
// stdout is not one (`echo "What does lathe mean?" | lathe chat recipes/brown-chat.yaml`: one reply line per input
// line). Sampling settings not given as flags come from the recipe's train.sample section, as for `lathe sample`.
import { join } from "node:path";
import { plan } from "@lathe/engine";
import { loadTokenizer } from "@lathe/tokenizer";
import type { ParsedArgs } from "../args.ts";
import { runChatLines } from "../chat/lines.ts";
import { openChatModel } from "../chat/model.ts";
import { ChatError, ChatSession, type OpenedStage } from "../chat/session.ts";
import { loadPlanned, modelStageIds, recipePath, upstreamOf, type PlannedRecipe } from "../load.ts";
import { chooseTrial } from "../trials/select.ts";
import type { Workspace } from "../workspace.ts";
import { chatStages, resolveChatStage } from "./chat-stage.ts";
import { ensureBuilt } from "./ensure.ts";

export async function chatCommand(ws: Workspace, args: ParsedArgs, signal: AbortSignal): Promise<number> {
  const o = args.options;
  const sets = (o.set as string[] | undefined) ?? [];
  const file = recipePath(ws, "chat", args.positionals.recipe as string);
  const recipe = await loadPlanned(ws, file, { sets, untilProducer: "model", command: "chat" });
  const ctx = await chooseTrial(ws, "chat", recipe, o.trial as string | undefined, sets);
  const first = resolveChatStage(recipe, ctx, o.stage as string | undefined); // before building anything
  const tokId = modelStageIds(recipe, ctx).tokenizer;
  const dirs = await ensureBuilt(ws, "chat", recipe, [first.id, tokId], { signal });
  const tokenizer = loadTokenizer(join(dirs.get(tokId)!, "tokenizer.json"));
  const eot = tokenizer.specialId("<|endoftext|>") ?? -1;
  const tty = process.stdin.isTTY === true && process.stdout.isTTY === true;
  // A recipe that trains on the CPU reference ops (tiny, CI) chats on them too; otherwise WebGPU when there is an adapter.
  const backend = ctx.recipe.train.backend === "cpu" ? "cpu" : "auto";

  const openStage = async (name: string, current?: OpenedStage): Promise<OpenedStage> => {
    const stage = resolveChatStage(recipe, ctx, name, { via: "/stage" });
    if (current?.name === stage.name) return current;
    // Line mode may build a missing stage (its build log goes to stderr); the screen cannot show a build under it.
    const dir = dirs.get(stage.id) ?? (tty ? await cachedDir(ws, recipe, stage.id, stage.name) : (await ensureBuilt(ws, "chat", recipe, [stage.id], { signal })).get(stage.id)!);
    return { name: stage.name, model: await openChatModel({ trainDir: dir, eot, backend }) };
  };

  const r = ctx.recipe.train.sample;
  const session = await ChatSession.open(first.name, {
    tokenizer,
    openStage,
    stages: chatStages(recipe, ctx).map((s) => s.name),
    system: (o.system as string | undefined) ?? "",
    temperature: (o.temperature as number | undefined) ?? r.temperature,
    maxTokens: o["max-tokens"] as number | undefined,
    topK: r.top_k,
    topP: r.top_p,
    seed: (o.seed as number | undefined) ?? r.seed,
  });
  try {
    if (!tty) {
      return await runChatLines(session, {
        input: process.stdin,
        out: (s) => void process.stdout.write(s),
        err: (s) => void process.stderr.write(s),
        signal,
      });
    }
    const { runChatScreen } = await import("../chat/tty.ts"); // Ink and React load only for a terminal
    await runChatScreen(session, { title: recipe.shown, signal });
    return 0;
  } finally {
    await session.close();
  }
}

/** The output directory of a stage already in the cache; a ChatError saying how to build it otherwise. */
async function cachedDir(ws: Workspace, recipe: PlannedRecipe, id: string, name: string): Promise<string> {
  const planned = await plan(upstreamOf(recipe.graph, [id]), { cacheDir: ws.cacheDir, root: ws.root });
  const dir = planned.find((p) => p.id === id)?.outDir;
  if (dir) return dir;
  throw new ChatError(`the ${name} stage of ${recipe.shown} is not built yet`, `quit, then run lathe chat ${recipe.shown} --stage ${name} (it builds the stage first)`);
}
