// exportContainer: a trained model (train stage outDir) + its tokenizer (tokenizer stage outDir) → a container build
// context folder: Dockerfile, README.md, the model files and lathe-serve.json at its top, and the Lathe runtime in
// lathe/ (runtime.ts). container.test.ts runs its server outside a container and builds it with podman.
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadTokenizer } from "@lathe/tokenizer";
import { DOCKERIGNORE, dockerfile } from "./dockerfile.ts";
import type { ServeConfig } from "./entry.ts";
import { ContainerExportError } from "./errors.ts";
import { readme } from "./readme.ts";
import { type ContainerArch, writeRuntime } from "./runtime.ts";

export interface ExportContainerOptions {
  /** A train stage's outDir (config.json + model.safetensors). */
  readonly trainDir: string;
  /** The tokenizer stage's outDir the model was trained with (tokenizer.json). */
  readonly tokenizerDir: string;
  /** The build context folder to write (created; files of an earlier export are replaced). */
  readonly outDir: string;
  /** The model id clients send as `model` (the recipe's name); the image name is made from it. */
  readonly name: string;
  /** The port the server listens on inside the container and the image exposes. @default 8080 */
  readonly port?: number;
  /** The CPU architecture of the image (whose Dawn addon the context holds). @default process.arch */
  readonly arch?: ContainerArch;
  /** The default base image (ARG BASE). @default `oven/bun:${Bun.version}`, the Bun that bundled server.js */
  readonly base?: string;
}

/** The model files copied from the train and tokenizer stages. */
const MODEL_FILES = [["trainDir", "config.json"], ["trainDir", "model.safetensors"], ["tokenizerDir", "tokenizer.json"]] as const;

/** Writes the context; `files` lists what it holds (relative to outDir, Dockerfile first), `bytes` their total size. */
export async function exportContainer(o: ExportContainerOptions): Promise<{ files: string[]; bytes: number }> {
  const port = o.port ?? 8080;
  const arch = o.arch ?? (process.arch as ContainerArch);
  const base = o.base ?? `oven/bun:${Bun.version}`;
  if (!o.name) throw new ContainerExportError("name", o.name, "is empty", "give the model id clients will send as `model` (the recipe's name)");
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ContainerExportError("port", port, "is not a TCP port", "use an integer in 1..65535, e.g. 8080");
  if (arch !== "x64" && arch !== "arm64") throw new ContainerExportError("arch", arch, "has no Linux WebGPU addon", 'use "x64" (linux/amd64) or "arm64" (linux/arm64)');
  // Refuse before writing anything: missing files, then a tokenizer the server cannot stop generations with.
  for (const [dir, f] of MODEL_FILES)
    if (!existsSync(join(o[dir], f))) throw new ContainerExportError(join(o[dir], f), null, "is missing", `point ${dir} at the outDir of a finished ${dir === "trainDir" ? "train" : "tokenizer"} stage`);
  const tok = loadTokenizer(join(o.tokenizerDir, "tokenizer.json"));
  if (tok.specialId("<|endoftext|>") === undefined)
    throw new ContainerExportError(join(o.tokenizerDir, "tokenizer.json"), null, "has no <|endoftext|> token", "export with the tokenizer the model was trained with");
  const { vocab_size } = JSON.parse(readFileSync(join(o.trainDir, "config.json"), "utf8")) as { vocab_size: number };
  if (vocab_size < tok.vocabSize)
    throw new ContainerExportError(join(o.tokenizerDir, "tokenizer.json"), tok.vocabSize, `has more ids than the model's vocab_size ${vocab_size}`, "export with the tokenizer the model was trained with");

  mkdirSync(o.outDir, { recursive: true });
  const files = ["Dockerfile", ".dockerignore", "README.md", "lathe-serve.json"];
  for (const [dir, f] of MODEL_FILES) (copyFileSync(join(o[dir], f), join(o.outDir, f)), files.push(f));
  const serve: ServeConfig = { model: o.name, port };
  writeFileSync(join(o.outDir, "lathe-serve.json"), `${JSON.stringify(serve, null, 2)}\n`);
  files.push(...(await writeRuntime(o.outDir, arch)));
  writeFileSync(join(o.outDir, "Dockerfile"), dockerfile({ name: o.name, port, arch, base }));
  writeFileSync(join(o.outDir, ".dockerignore"), DOCKERIGNORE);
  const sizes = new Map(files.filter((f) => f !== "README.md").map((f) => [f, statSync(join(o.outDir, f)).size]));
  writeFileSync(join(o.outDir, "README.md"), readme({ name: o.name, port, arch, base, sizes }));
  const bytes = files.reduce((n, f) => n + statSync(join(o.outDir, f)).size, 0);
  return { files, bytes };
}
