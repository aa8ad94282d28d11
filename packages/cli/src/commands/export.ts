// `lathe export <recipe> --format hf|gguf [--out path]`: builds the trial's model if needed, then writes it (weights,
// config, tokenizer) as a Hugging Face folder, a GGUF file for llama.cpp / Ollama, or a container build context.
import { resolve } from "node:path";
import { exportHf } from "@lathe/model";
import { exportContainer, exportGguf, imageTag } from "@lathe/serve";
import type { ParsedArgs } from "../args.ts";
import { loadPlanned, modelStageIds, recipePath } from "../load.ts";
import { chooseTrial } from "../trials/select.ts";
import type { Workspace } from "../workspace.ts";
import { ensureBuilt } from "./ensure.ts";

export async function exportCommand(ws: Workspace, args: ParsedArgs, signal: AbortSignal): Promise<number> {
  const o = args.options;
  const file = recipePath(ws, "export", args.positionals.recipe as string);
  const recipe = await loadPlanned(ws, file, { sets: (o.set as string[] | undefined) ?? [], untilProducer: "model", command: "export" });
  const ctx = await chooseTrial(ws, "export", recipe, o.trial as string | undefined, (o.set as string[] | undefined) ?? []);
  const { model: train, tokenizer: tok } = modelStageIds(recipe, ctx);
  const dirs = await ensureBuilt(ws, "export", recipe, [train, tok], { signal });
  const name = ctx.recipe.name || file.replace(/^.*\//, "").replace(/\.ya?ml$/, "");
  const [trainDir, tokenizerDir] = [dirs.get(train) as string, dirs.get(tok) as string];
  if (o.format === "gguf") {
    const outFile = resolve((o.out as string | undefined) ?? `export/${name}.gguf`);
    const dtype = (o.dtype as "f32" | "f16" | undefined) ?? "f32";
    const r = await exportGguf({ trainDir, tokenizerDir, outFile, dtype, name });
    process.stdout.write(`exported ${train} (gguf ${dtype}, ${r.tensors} tensors, ${(r.bytes / 2 ** 20).toFixed(1)} MiB) to ${outFile}\n`);
    return 0;
  }
  if (o.format === "docker") {
    const outDir = resolve((o.out as string | undefined) ?? `export/${name}-docker`);
    const r = await exportContainer({ trainDir, tokenizerDir, outDir, name, ...(o.port !== undefined ? { port: o.port as number } : {}) });
    process.stdout.write(`exported ${train} (docker build context, ${r.files.length} files, ${(r.bytes / 2 ** 20).toFixed(1)} MiB) to ${outDir}\nbuild it: podman build --format docker -t ${imageTag(name)} ${outDir}   (or docker build)\n`);
    return 0;
  }
  const outDir = resolve((o.out as string | undefined) ?? `export/${name}`);
  await exportHf({ trainDir, tokenizerDir, outDir });
  process.stdout.write(`exported ${train} (hf) to ${outDir}\n`);
  return 0;
}
