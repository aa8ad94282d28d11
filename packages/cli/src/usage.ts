// Help texts, generated from the command table: `lathe help`, `lathe help <command>`, `lathe <command> --help`.
import { usageLine, type CommandSpec, type OptionSpec } from "./args.ts";
import { COMMANDS } from "./commands.ts";

export function mainHelp(): string {
  const rows = COMMANDS.map((c) => [`${c.name} ${c.positionals.map((p) => (p.required ? `<${p.name}${p.variadic ? "..." : ""}>` : `[${p.name}${p.variadic ? "..." : ""}]`)).join(" ")}`.trim(), c.summary] as const);
  const w = Math.max(...rows.map((r) => r[0].length)) + 2;
  return [
    "Usage: lathe <command> [options]",
    "",
    "Lathe builds language models from YAML recipes. Every stage is content-hashed and cached,",
    "so editing one line reruns only what it touches.",
    "",
    "Commands:",
    ...rows.map(([l, r]) => `  ${l.padEnd(w)}${r}`),
    "",
    "Options:",
    "  -h, --help     Show help (also after a command: lathe build --help)",
    "  --version      Print the version",
    "",
    "Environment:",
    "  LATHE_CACHE    Cache directory (default: <repo>/cache)",
    "  LATHE_ADAPTER  Pick a WebGPU adapter by name substring (lathe doctor lists what was found)",
    "  LATHE_NICE=0   Keep the main thread's priority on a software adapter (default: nice 19, see lathe doctor)",
    "",
    'Run "lathe help <command>" for the options of a command.',
  ].join("\n");
}

export function commandHelp(spec: CommandSpec): string {
  const opts = Object.entries(spec.options).map(([name, o]) => [optionLabel(name, o), o.description] as const);
  opts.push(["-h, --help", "Show this help"]);
  const w = Math.max(...opts.map((r) => r[0].length)) + 2;
  return [
    `Usage: ${usageLine(spec)}`,
    "",
    spec.description,
    "",
    "Options:",
    ...opts.map(([l, r]) => `  ${l.padEnd(w)}${r}`),
    "",
    "Examples:",
    ...spec.examples.map((e) => `  ${e}`),
  ].join("\n");
}

function optionLabel(name: string, o: OptionSpec): string {
  const short = o.short ? `-${o.short}, ` : "";
  if (o.type === "boolean") return `${short}--${name}`;
  return `${short}--${name} <${o.value ?? "value"}>`;
}
