#!/usr/bin/env bun
// The `lathe` command: `bun packages/cli/src/main.ts <command> ...` (root `bun run build` = `lathe build`).
// Parses arguments, runs the command, and turns errors into messages and exit codes:
// 0 ok · 1 build failed or a user error (bad recipe, missing file) · 2 bad command line · 130 interrupted.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { closest, parseCommandArgs, UsageError, type ParsedArgs } from "./args.ts";
import { COMMANDS, findCommand } from "./commands.ts";
import { describeError, isUserError } from "./errors.ts";
import { commandHelp, mainHelp } from "./usage.ts";
import { exitOnBrokenPipe } from "./ui/pipe.ts";
import { findWorkspace } from "./workspace.ts";

export async function main(argv: readonly string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === "--help" || first === "-h") {
    process.stdout.write(`${mainHelp()}\n`);
    return 0;
  }
  if (first === "--version" || first === "-V") {
    process.stdout.write(`lathe ${version()}\n`);
    return 0;
  }
  const spec = findCommand(first);
  if (!spec) {
    const names = COMMANDS.map((c) => c.name);
    const guess = first.startsWith("-") ? undefined : closest(first, names);
    const what = first.startsWith("-") ? `unknown option ${first} before the command` : `unknown command "${first}"`;
    throw new UsageError(undefined, first, what, guess ? `did you mean "lathe ${guess}"? Run "lathe help" for all commands` : `run "lathe help" for the commands (${names.join(", ")})`);
  }
  const args = parseCommandArgs(spec, rest);
  if (args.help) {
    process.stdout.write(`${commandHelp(spec)}\n`);
    return 0;
  }
  return run(args);
}

async function run(args: ParsedArgs): Promise<number> {
  if (args.command === "help") {
    const name = args.positionals.command as string | undefined;
    if (name === undefined) {
      process.stdout.write(`${mainHelp()}\n`);
      return 0;
    }
    const spec = findCommand(name);
    if (!spec) {
      const guess = closest(name, COMMANDS.map((c) => c.name));
      throw new UsageError("help", name, `unknown command "${name}"`, guess ? `did you mean "lathe help ${guess}"?` : `run "lathe help" for the commands`);
    }
    process.stdout.write(`${commandHelp(spec)}\n`);
    return 0;
  }
  // Commands load lazily, so `lathe build` does not pay for WebGPU and `lathe doctor` works when a recipe package is broken.
  if (args.command === "doctor") return (await import("./commands/doctor.ts")).doctorCommand();

  const ws = findWorkspace();
  // First Ctrl-C: stop the build cleanly (running stages see their abort signal). Second: leave at once.
  const abort = new AbortController();
  const onSigint = () => {
    if (abort.signal.aborted) process.exit(130);
    // console (not process.stderr) so that Ink, which patches it, prints the line above its live area.
    console.error("lathe: stopping: running stages are being aborted (Ctrl-C again to quit now)");
    abort.abort();
  };
  process.on("SIGINT", onSigint);
  try {
    let code: number;
    switch (args.command) {
      case "build":
        code = await (await import("./commands/build.ts")).buildCommand(ws, args, abort.signal);
        break;
      case "explain":
        code = await (await import("./commands/explain.ts")).explainCommand(ws, args);
        break;
      case "graph":
        code = await (await import("./commands/graph.ts")).graphCommand(ws, args);
        break;
      case "status":
        code = await (await import("./commands/status.ts")).statusCommand(ws, args);
        break;
      case "gc":
        code = await (await import("./commands/gc.ts")).gcCommand(ws, args);
        break;
      case "inspect":
        code = await (await import("./commands/inspect.ts")).inspectCommand(ws, args, abort.signal);
        break;
      case "sample":
        code = await (await import("./commands/sample.ts")).sampleCommand(ws, args, abort.signal);
        break;
      case "chat":
        code = await (await import("./commands/chat.ts")).chatCommand(ws, args, abort.signal);
        break;
      case "eval":
        code = await (await import("./commands/eval.ts")).evalCommand(ws, args, abort.signal);
        break;
      case "rate":
        code = await (await import("./commands/rate.ts")).rateCommand(ws, args, abort.signal);
        break;
      case "compare":
        code = await (await import("./commands/compare.ts")).compareCommand(ws, args);
        break;
      case "report":
        code = await (await import("./commands/report.ts")).reportCommand(ws, args);
        break;
      case "worker":
        code = await (await import("./commands/worker.ts")).workerCommand(ws, args, abort.signal);
        break;
      case "serve":
        code = await (await import("./commands/serve.ts")).serveCommand(ws, args, abort.signal);
        break;
      case "export":
        code = await (await import("./commands/export.ts")).exportCommand(ws, args, abort.signal);
        break;
      default:
        throw new Error(`command ${args.command} is in the table but has no handler`);
    }
    return abort.signal.aborted ? 130 : code;
  } finally {
    process.off("SIGINT", onSigint);
  }
}

function version(): string {
  const pkg = JSON.parse(readFileSync(join(import.meta.dir, "..", "package.json"), "utf8")) as { version: string };
  return pkg.version;
}

if (import.meta.main) {
  process.stdout.on("error", exitOnBrokenPipe);
  try {
    process.exitCode = await main(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${describeError(e)}\n`);
    process.exitCode = e instanceof UsageError ? 2 : isUserError(e) ? 1 : 70;
  }
}
