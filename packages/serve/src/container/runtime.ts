// The Lathe runtime of an exported container, under <context>/lathe/: the server entry (entry.ts) bundled by Bun
// into one file, plus what Lathe's packages load by path at run time, which no bundler can inline:
//   node_modules/webgpu  npm `webgpu`: its index.js loads Dawn's native addon (dist/<platform>-<arch>/dawn.node) by a
//                        path relative to itself; only the linux-<arch> addon is kept (21 MB of the package's 132 MB)
//   schemas/             @lathe/recipe reads the recipe schemas at <its module dir>/../../../schemas (tokenizer's
//                        TOKENIZER_DEFAULTS fills its section's defaults when the module loads), so the bundle sits
//                        three folders down, at packages/serve/dist/server.js, as the packages' src/ do in the repo
//   node_modules/ajv     @lathe/recipe compiles those schemas with ajv, loaded with createRequire (and its 4 deps)
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { DEFAULT_SCHEMA_DIR } from "@lathe/recipe";
import { ContainerExportError } from "./errors.ts";

/** CPU architectures Dawn ships a Linux addon for, by Node's name (process.arch). */
export type ContainerArch = "x64" | "arm64";

/** Node's architecture name → the platform Docker/Podman names it by (`--platform linux/amd64`). */
export const DOCKER_PLATFORM: Record<ContainerArch, string> = { x64: "linux/amd64", arm64: "linux/arm64" };

/** The runtime folder in the context. */
export const RUNTIME_DIR = "lathe";
/** The bundled server, relative to the context: as deep below lathe/ as a package's src/ is below the repo root. */
export const SERVER_JS = `${RUNTIME_DIR}/packages/serve/dist/server.js`;

/** Writes lathe/ into the context (replacing an earlier one); returns its files, relative to the context. */
export async function writeRuntime(ctxDir: string, arch: ContainerArch): Promise<string[]> {
  checkSchemaDepth();
  const root = join(ctxDir, RUNTIME_DIR);
  rmSync(root, { recursive: true, force: true });
  const files = [SERVER_JS];
  mkdirSync(dirname(join(ctxDir, SERVER_JS)), { recursive: true });
  await bundleServer(join(ctxDir, SERVER_JS));
  files.push(...copyTree(DEFAULT_SCHEMA_DIR, join(root, "schemas"), (f) => f.endsWith(".json")).map((f) => `${RUNTIME_DIR}/schemas/${f}`));
  const modules = join(root, "node_modules");
  const addon = `dist/linux-${arch}/dawn.node`;
  const webgpu = packageDir("webgpu", dirname(Bun.resolveSync("@lathe/gpu", import.meta.dir)));
  if (!existsSync(join(webgpu, addon)))
    throw new ContainerExportError(join(webgpu, addon), arch, "is missing from the installed webgpu package", "run `bun install` (the webgpu package ships every platform's addon)");
  const webgpuFiles = new Set(["index.js", "package.json", "LICENSE.md", addon]);
  const ajv = packageDir("ajv", dirname(Bun.resolveSync("@lathe/recipe", import.meta.dir)));
  for (const f of [...copyPackage(webgpu, modules, (f) => webgpuFiles.has(f), false), ...copyPackage(ajv, modules, isRuntimeFile, true)])
    files.push(`${RUNTIME_DIR}/node_modules/${f}`);
  return files;
}

/** Bundles entry.ts (the server and every @lathe package) into `outFile`; `webgpu` stays an import resolved beside it. */
export async function bundleServer(outFile: string): Promise<void> {
  const out = await Bun.build({ entrypoints: [join(import.meta.dir, "entry.ts")], target: "bun", external: ["webgpu"], minify: { syntax: true, whitespace: true } });
  if (!out.success || out.outputs.length !== 1)
    throw new ContainerExportError("entry.ts", out.logs.map(String), "did not bundle into one file", "run `bun build packages/serve/src/container/entry.ts --target bun --external webgpu` to see why", { cause: new AggregateError(out.logs) });
  writeFileSync(outFile, await out.outputs[0].text());
}

/** The bundle finds schemas/ only if @lathe/recipe's src/ is as deep below the schemas' parent as dist/ is in SERVER_JS. */
function checkSchemaDepth(): void {
  const recipeSrc = relative(dirname(DEFAULT_SCHEMA_DIR), dirname(Bun.resolveSync("@lathe/recipe", import.meta.dir)));
  const want = relative(RUNTIME_DIR, dirname(SERVER_JS));
  if (basename(DEFAULT_SCHEMA_DIR) !== "schemas" || recipeSrc.split(/[\\/]/).length !== want.split("/").length)
    throw new ContainerExportError("@lathe/recipe DEFAULT_SCHEMA_DIR", DEFAULT_SCHEMA_DIR, `is not schemas/ ${want.split("/").length} folders above the recipe's src (${recipeSrc})`, "update SERVER_JS in packages/serve/src/container/runtime.ts to the depth the recipe package reads its schemas from");
}

/** The folder of an npm package as resolved from `fromDir`. */
function packageDir(name: string, fromDir: string): string {
  return dirname(Bun.resolveSync(`${name}/package.json`, fromDir));
}

/** JavaScript and JSON a package runs with: no TypeScript, source maps, docs or tests. */
function isRuntimeFile(f: string): boolean {
  if (/(^|\/)(test|tests|spec|benchmark|bench|docs|\.[^/]+)(\/|$)/.test(f)) return false;
  return /\.(c?js|json)$/.test(f) && !f.endsWith(".d.ts") || /^licen[cs]e/i.test(basename(f));
}

/**
 * Copies a package into <modules>/<name>/ (the files `keep` accepts); with `deps`, its dependencies too, flattened.
 * Returns the files relative to `modules`.
 */
function copyPackage(dir: string, modules: string, keep: (f: string) => boolean, deps: boolean): string[] {
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name: string; dependencies?: Record<string, string> };
  const files = copyTree(dir, join(modules, pkg.name), keep).map((f) => `${pkg.name}/${f}`);
  if (deps) for (const d of Object.keys(pkg.dependencies ?? {})) if (!existsSync(join(modules, d))) files.push(...copyPackage(packageDir(d, dir), modules, keep, true));
  return files;
}

/** Copies the files under `src` that `keep` accepts (by path relative to src) into `dst`; returns those paths. */
function copyTree(src: string, dst: string, keep: (f: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const e of readdirSync(join(src, rel))) {
      const f = rel ? `${rel}/${e}` : e;
      if (statSync(join(src, f)).isDirectory()) walk(f);
      else if (keep(f)) {
        mkdirSync(dirname(join(dst, f)), { recursive: true });
        copyFileSync(join(src, f), join(dst, f));
        out.push(f);
      }
    }
  };
  walk("");
  return out.sort();
}
