// The Dockerfile of an exported container context: Bun's official image, Mesa's software Vulkan driver behind
// ARG MESA, a non-root user, the runtime (runtime.ts) and the model files, and the server on 0.0.0.0:<port>.
import { DOCKER_PLATFORM, RUNTIME_DIR, SERVER_JS, type ContainerArch } from "./runtime.ts";

export interface DockerfileOptions {
  readonly name: string;
  readonly port: number;
  readonly arch: ContainerArch;
  /** The default base image. @example "oven/bun:1.4.5" */
  readonly base: string;
}

/** The uid and gid the server runs as: no user of a stock image has them. */
export const CONTAINER_UID = 10001;

/** Where the context's files go in the image. */
export const APP_DIR = "/app";

export function dockerfile(o: DockerfileOptions): string {
  const health = `fetch('http://127.0.0.1:${o.port}/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`;
  const u = CONTAINER_UID;
  return `# ${o.name}: an OpenAI-compatible server for a Lathe model (written by exportContainer; README.md says more).
# Build: podman build --format docker -t ${imageTag(o.name)} .   (or docker build -t ${imageTag(o.name)} .)
# Run:   podman run --rm -p ${o.port}:${o.port} ${imageTag(o.name)}
# The context holds Dawn's ${DOCKER_PLATFORM[o.arch]} addon only: build for that platform.

# Any image with bun on its PATH and /bin/sh will do; the default is Bun's official (Debian) image.
ARG BASE=${o.base}
FROM \${BASE}

# Mesa's software Vulkan driver (lavapipe), so the model runs on hosts without a GPU. MESA=0 skips it (an offline
# build, or a GPU host whose driver is in the base): without a Vulkan driver the server uses the CPU reference ops.
# Debian 12's own Mesa (22.3) is too old for Dawn: bookworm takes it from bookworm-backports (Mesa 25).
ARG MESA=1
RUN if [ "$MESA" = 1 ]; then \\
      set -e; . /etc/os-release; export DEBIAN_FRONTEND=noninteractive; from=""; \\
      if [ "$VERSION_CODENAME" = bookworm ]; then \\
        if [ -f /etc/apt/sources.list.d/debian.sources ]; then \\
          sed -i -E '/^Suites:.*\\bbookworm-updates\\b/{/bookworm-backports/!s/$/ bookworm-backports/}' /etc/apt/sources.list.d/debian.sources; \\
        else echo "deb http://deb.debian.org/debian bookworm-backports main" > /etc/apt/sources.list.d/backports.list; fi; \\
        from="-t bookworm-backports"; \\
      fi; \\
      apt-get update -qq && apt-get install -y -qq --no-install-recommends $from mesa-vulkan-drivers && rm -rf /var/lib/apt/lists/*; \\
    fi

# A non-root user, made with the shell alone (no package manager, no network).
RUN echo "lathe:x:${u}:${u}:lathe:/tmp:/sbin/nologin" >> /etc/passwd && echo "lathe:x:${u}:" >> /etc/group

WORKDIR ${APP_DIR}
# The runtime first (it changes with Lathe, not with each model), then the model.
COPY ${RUNTIME_DIR}/ ./${RUNTIME_DIR}/
COPY lathe-serve.json config.json tokenizer.json model.safetensors ./

USER ${u}:${u}
ENV HOME=/tmp
EXPOSE ${o.port}
# Loading a large model takes a while: failures in the start period do not count.
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 CMD ${JSON.stringify(["bun", "-e", health])}
ENTRYPOINT ["bun", "${APP_DIR}/${SERVER_JS}"]
CMD ["--host", "0.0.0.0", "--port", "${o.port}"]
`;
}

/**
 * The context's .dockerignore: a local run of the server (README: "Without a container") leaves @lathe/recipe's
 * compiled-validator cache beside the bundle; it holds this machine's absolute paths, so it stays out of the image.
 */
export const DOCKERIGNORE = `${RUNTIME_DIR}/packages/serve/node_modules\n`;

/** An image name from a model name: lowercase letters, digits, '.', '_' and '-' (what image references allow). */
export function imageTag(name: string): string {
  const tag = name.toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, "");
  return tag || "lathe-model";
}
