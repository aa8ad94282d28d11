// The README.md of an exported container context: what is in it, how to build and run it, and a first request.
import { imageTag } from "./dockerfile.ts";
import { DOCKER_PLATFORM, RUNTIME_DIR, SERVER_JS, type ContainerArch } from "./runtime.ts";

export interface ReadmeOptions {
  readonly name: string;
  readonly port: number;
  readonly arch: ContainerArch;
  readonly base: string;
  /** Bytes per file of the context, by path relative to it. */
  readonly sizes: ReadonlyMap<string, number>;
}

/** 512 B, 35.2 KiB, 20.5 MiB. */
export function humanBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  return n < 2 ** 20 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 2 ** 20).toFixed(1)} MiB`;
}

/** A file's row in the README's table: runtime packages and the schemas are one row each. */
function group(f: string): string {
  const m = /^(lathe\/node_modules\/[^/]+\/|lathe\/schemas\/)/.exec(f);
  return m ? m[1] : f;
}

export function readme(o: ReadmeOptions): string {
  const tag = imageTag(o.name);
  const p = o.port;
  const rows = new Map<string, [files: number, bytes: number]>();
  for (const [f, n] of o.sizes) {
    const r = rows.get(group(f)) ?? [0, 0];
    rows.set(group(f), [r[0] + 1, r[1] + n]);
  }
  const total = [...o.sizes.values()].reduce((a, b) => a + b, 0);
  const table = [...rows].map(([g, [k, n]]) => `| \`${g}\` | ${g.endsWith("/") ? `${k} files, ` : ""}${humanBytes(n)} |`).join("\n");
  return `# ${o.name}: a container serving a Lathe model

This folder is a container build context, written by Lathe's \`exportContainer\`. The image runs an OpenAI-compatible
HTTP server (\`/v1/chat/completions\`, \`/v1/completions\`, \`/v1/models\`, \`/health\`, \`/metrics\`) for the model
\`${o.name}\` on port ${p}, as a non-root user (uid 10001), from \`/app\`.

| path | size |
|---|---|
${table}

${humanBytes(total)} in all, besides this README. \`${SERVER_JS}\` is Lathe's server bundled into one file by \`bun build\`;
the rest of \`${RUNTIME_DIR}/\` is what it loads by path at run time: npm \`webgpu\` with only Dawn's ${DOCKER_PLATFORM[o.arch]} addon
(\`dawn.node\`), the recipe schemas (read from three folders above the bundle, hence its depth) and ajv, which compiles them.

## Build

\`\`\`sh
podman build --format docker -t ${tag} .     # --format docker keeps the HEALTHCHECK (the OCI format has none)
docker build -t ${tag} .
\`\`\`

| build argument | default | meaning |
|---|---|---|
| \`BASE\` | \`${o.base}\` | the base image: any with \`bun\` on its PATH and \`/bin/sh\` |
| \`MESA\` | \`1\` | \`1\` installs Mesa's software Vulkan driver (lavapipe, from the base's Debian mirror) so the model runs through WebGPU on any host's CPU cores; \`0\` skips it (offline builds, or a base that has a GPU's Vulkan driver). With no Vulkan driver at all the server falls back to its TypeScript CPU ops: correct, but slow |

The context holds the ${DOCKER_PLATFORM[o.arch]} addon only: build for that platform (\`--platform ${DOCKER_PLATFORM[o.arch]}\`), or
export again for the other architecture.

## Run

\`\`\`sh
podman run --rm -p ${p}:${p} ${tag}
docker run --rm -p ${p}:${p} -e LATHE_API_KEY=secret ${tag}   # the /v1/ routes then need "Authorization: Bearer secret"
\`\`\`

Arguments after the image name replace \`--host 0.0.0.0 --port ${p}\`; \`--backend cpu\` skips WebGPU. The health
check asks \`http://127.0.0.1:${p}/health\` inside the container, so keep the server on port ${p} there and map it with \`-p\`.
\`docker stop\` (SIGTERM) stops the server cleanly.

\`\`\`sh
curl -s localhost:${p}/health
curl -s localhost:${p}/v1/chat/completions -H 'Content-Type: application/json' \\
  -d '{"model": "${o.name}", "messages": [{"role": "user", "content": "Once upon a time"}], "max_tokens": 32}'
\`\`\`

Any OpenAI client works with \`base_url = "http://localhost:${p}/v1"\`.

Without a container, with Bun ${Bun.version}: \`bun ${SERVER_JS} --port ${p}\` in this folder.
`;
}
