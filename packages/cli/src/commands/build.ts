// `lathe build [recipes...]`: plan each recipe and run it through the engine with the chosen renderer, or with
// --dry print what would run and why. Recipes build one after another; the exit code is non-zero if any failed.
// With --queue, stages run on `lathe worker`s through a Redis queue (see queueOptions).
import { build, plan, type BuildOptions } from "@lathe/engine";
import type { PlanContext } from "@lathe/recipe";
import { UsageError, type ParsedArgs } from "../args.ts";
import { formatDry } from "../dry.ts";
import { loadPlanned, recipePath, upstreamOf } from "../load.ts";
import { stageRegistry } from "../registry.ts";
import { differingParams, flattenRecipe } from "../trials/params.ts";
import type { TrialLabel } from "../ui/ink/SweepTable.tsx";
import { selectRenderer } from "../ui/select.ts";
import type { Workspace } from "../workspace.ts";

export async function buildCommand(ws: Workspace, args: ParsedArgs, signal: AbortSignal): Promise<number> {
  const o = args.options;
  const given = args.positionals.recipes as string[];
  const files = given.length > 0 ? given.map((r) => recipePath(ws, "build", r)) : [defaultRecipe(ws)];
  const to = o.to as string | undefined;
  const stages = stageRegistry().names();
  if (to !== undefined && !stages.includes(to)) {
    throw new UsageError("build", to, `--to must name a pipeline stage (${stages.join(", ")}), got "${to}"`, `write e.g. --to clean`);
  }
  if (o.concurrency !== undefined && (o.concurrency as number) < 1) {
    throw new UsageError("build", String(o.concurrency), `--concurrency must be at least 1, got ${o.concurrency}`, "write e.g. --concurrency 2");
  }
  const sets = (o.set as string[] | undefined) ?? [];
  let failed = 0;
  for (const file of files) {
    const recipe = await loadPlanned(ws, file, { sets, until: to });
    const graph = to === undefined ? recipe.graph : upstreamOf(recipe.graph, recipe.contexts.map((c) => c.id(to)));
    if (o.dry) {
      const planned = await plan(graph, { cacheDir: ws.cacheDir, root: ws.root });
      if (o.json) process.stdout.write(`${JSON.stringify({ recipe: recipe.shown, stages: planned })}\n`);
      else process.stdout.write(`${formatDry(recipe.shown, planned)}\n`);
      continue;
    }
    const renderer = await selectRenderer({ json: o.json === true, plain: o.plain === true, label: recipe.shown, trials: trialLabels(recipe.contexts) });
    let summary;
    try {
      summary = await build(graph, {
        cacheDir: ws.cacheDir,
        root: ws.root,
        label: recipe.shown,
        ...(o.concurrency !== undefined ? { concurrency: o.concurrency as number } : {}),
        continueOnError: o.continue === true,
        ...remoteOptions(o),
        ...queueOptions(o),
        signal,
        onEvent: (e) => renderer.onEvent(e),
      });
    } finally {
      await renderer.close();
    }
    if (!summary.ok) {
      failed++;
      if (signal.aborted || o.continue !== true) break;
    }
  }
  return failed > 0 ? 1 : 0;
}

/** Each trial's stage-id prefix with the parameters it differs in ("lr=0.003 d_model=64"); none without a sweep. */
export function trialLabels(contexts: readonly PlanContext[]): TrialLabel[] | undefined {
  if (contexts.length < 2) return undefined;
  const paths = differingParams(contexts.map((c) => c.recipe));
  const last = (p: string) => p.slice(p.lastIndexOf(".") + 1);
  // "train.lr" reads as "lr" unless another differing path ends the same way.
  const short = (p: string) => (paths.filter((q) => last(q) === last(p)).length > 1 ? p : last(p));
  return contexts.map((c) => {
    const flat = flattenRecipe(c.recipe);
    const value = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));
    return { id: c.id("x").slice(0, -1).replace(/\/$/, ""), label: paths.map((p) => `${short(p)}=${value(flat.get(p))}`).join(" ") };
  });
}

function defaultRecipe(ws: Workspace): string {
  if (!ws.defaultRecipe) {
    throw new UsageError("build", undefined, `no recipe given and ${ws.root}/package.json names no default`, `pass a recipe (lathe build recipes/x.yaml) or set "lathe": { "default": "recipes/x.yaml" } in package.json`);
  }
  return recipePath(ws, "build", ws.defaultRecipe);
}

/**
 * --remote-cache (or LATHE_REMOTE_CACHE) with LATHE_REMOTE_TOKEN and LATHE_REMOTE_TEAM: the engine's remote options.
 * The remote's fallback is --remote-fallback, else --fallback, else "local".
 */
export function remoteOptions(o: ParsedArgs["options"], env: NodeJS.ProcessEnv = process.env, command = "build"): { remote?: NonNullable<BuildOptions["remote"]> } {
  const url = (o["remote-cache"] as string | undefined) ?? env.LATHE_REMOTE_CACHE;
  if (!url) return {};
  const token = env.LATHE_REMOTE_TOKEN;
  if (!token) throw new UsageError(command, url, `the remote cache ${url} needs a token`, "set LATHE_REMOTE_TOKEN (the server's TURBO_TOKEN)");
  return {
    remote: {
      url,
      token,
      team: env.LATHE_REMOTE_TEAM || "lathe",
      upload: o["remote-read-only"] !== true,
      fallback: (o["remote-fallback"] as "local" | "error" | undefined) ?? (o.fallback as "local" | "error" | undefined) ?? "local",
    },
  };
}

/**
 * --queue redis://host:port: stages that may be shared go to `lathe worker`s through the queue; their inputs and
 * outputs travel through the remote cache, so --remote-cache is required. --fallback local builds here when Redis or
 * the remote cache cannot be reached (default: fail with one line naming the URL).
 */
export function queueOptions(o: ParsedArgs["options"], env: NodeJS.ProcessEnv = process.env): { queue?: NonNullable<BuildOptions["queue"]> } {
  const url = o.queue as string | undefined;
  if (url === undefined) return {};
  if (!/^rediss?:\/\//.test(url)) throw new UsageError("build", url, `--queue must be a Redis URL, got "${url}"`, "write e.g. --queue redis://127.0.0.1:6379");
  if (!((o["remote-cache"] as string | undefined) ?? env.LATHE_REMOTE_CACHE)) {
    throw new UsageError("build", url, "--queue needs a remote cache: workers take their inputs from it and put their outputs there", "add --remote-cache URL (a Turborepo remote cache server the workers reach too)");
  }
  return { queue: { url, fallback: (o.fallback as "local" | "error" | undefined) ?? "error" } };
}
