// Test helpers for building an exported context with podman on a machine that reaches no image registry:
// a stand-in for Bun's official image made locally with `podman import`, builds with `--isolation chroot`, and
// reading files back out of an image. container.test.ts uses them; every podman call has a timeout.
//
// The stand-in base is a rootfs of what the Dockerfile needs for its steps, from this machine: its bun binary at
// /usr/local/bin/bun (where oven/bun has it), /bin/sh (the RUN that adds the user; MESA=0 skips apt-get), the
// libraries both load, and those of Dawn's addon (libstdc++, libgcc_s: the official Debian image has them), so the
// server can start inside a build step too. No Vulkan driver: in it the server runs on the CPU reference ops.
import { chmodSync, copyFileSync, mkdirSync, realpathSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** Runs podman; stdout, or an Error with podman's stderr. */
export function podman(args: string[], opts: { timeoutMs?: number; cwd?: string } = {}): string {
  const r = Bun.spawnSync(["podman", ...args], { cwd: opts.cwd, timeout: opts.timeoutMs ?? 300_000, stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`podman ${args.join(" ")} failed (exit ${r.exitCode ?? r.signalCode}): ${lastLines(r.stderr.toString())}`);
  return r.stdout.toString();
}

/** Why podman cannot be used here, or null when it can. */
export function podmanMissing(): string | null {
  if (!Bun.which("podman")) return "podman is not installed (apt-get install -y podman)";
  if (process.platform !== "linux") return "the stand-in base image is made from this machine's Linux binaries";
  try {
    podman(["version", "--format", "{{.Client.Version}}"], { timeoutMs: 30_000 });
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Shared libraries an ELF file loads, with the dynamic loader (absolute paths, from ldd). */
function sharedLibraries(file: string): string[] {
  const out = Bun.spawnSync(["ldd", file], { stdout: "pipe" }).stdout.toString();
  return [...out.matchAll(/(?:=>\s*)?(\/\S+\.so[^\s]*)/g)].map((m) => m[1]);
}

/** Imports the stand-in base image as `tag` from a rootfs built in `workDir`. */
export function importBaseImage(tag: string, workDir: string, addon: string): void {
  const root = join(workDir, "rootfs");
  const put = (from: string, to: string) => {
    mkdirSync(dirname(join(root, to)), { recursive: true });
    copyFileSync(realpathSync(from), join(root, to));
  };
  put(process.execPath, "/usr/local/bin/bun");
  put("/bin/sh", "/bin/sh");
  for (const lib of new Set([process.execPath, "/bin/sh", addon].flatMap(sharedLibraries))) put(lib, lib);
  chmodSync(join(root, "usr/local/bin/bun"), 0o755);
  chmodSync(join(root, "bin/sh"), 0o755);
  mkdirSync(join(root, "etc"));
  writeFileSync(join(root, "etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
  writeFileSync(join(root, "etc/group"), "root:x:0:\n");
  mkdirSync(join(root, "tmp"));
  chmodSync(join(root, "tmp"), 0o1777);
  const tar = join(workDir, "rootfs.tar");
  const r = Bun.spawnSync(["tar", "-C", root, "-cf", tar, "."], { stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`tar failed: ${r.stderr.toString()}`);
  podman(["import", tar, tag]);
}

/**
 * Null when `podman run` works with `image`, else why not: in a sandbox that refuses setrlimit, crun cannot start
 * any container ("crun: setrlimit `RLIMIT_NOFILE`: Operation not permitted").
 */
export function podmanRunRefusal(image: string): string | null {
  try {
    podman(["run", "--rm", "--entrypoint", "/usr/local/bin/bun", image, "--version"], { timeoutMs: 60_000 });
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Copies `path` out of `image` (through a created, never started, container) to `dest`. */
export function copyFromImage(image: string, path: string, dest: string): void {
  const id = podman(["create", image]).trim();
  try {
    podman(["cp", `${id}:${path}`, dest]);
  } finally {
    podman(["rm", "-f", id]);
  }
}

/** Removes images, ignoring ones already gone. */
export function removeImages(...tags: string[]): void {
  for (const t of tags) Bun.spawnSync(["podman", "rmi", "-f", t], { stdout: "ignore", stderr: "ignore", timeout: 120_000 });
}

/** The last lines of podman's stderr without its systemd-timer noise. */
function lastLines(text: string): string {
  return text.split("\n").filter((l) => l.trim() && !l.includes("unable to get systemd connection")).slice(-4).join("\n");
}
