// A small argv parser driven by the command table (commands.ts): long options (`--x v`, `--x=v`), repeatable
// options, booleans, typed values, positionals, and UsageErrors that name the bad argument and suggest a fix.

export type OptionType = "boolean" | "string" | "int" | "number";

export interface OptionSpec {
  readonly type: OptionType;
  /** Help text. */
  readonly description: string;
  /** Placeholder in help, e.g. "n" → "--concurrency <n>". */
  readonly value?: string;
  /** May be given several times; the parsed value is an array. */
  readonly multiple?: boolean;
  /** Allowed values for a string option. */
  readonly choices?: readonly string[];
  /** One-letter alias, e.g. "s" for -s. */
  readonly short?: string;
}

export interface PositionalSpec {
  readonly name: string;
  readonly required: boolean;
  /** Takes all remaining positionals. */
  readonly variadic?: boolean;
}

export interface CommandSpec {
  readonly name: string;
  readonly summary: string;
  /** Longer help paragraph. */
  readonly description: string;
  readonly positionals: readonly PositionalSpec[];
  readonly options: Readonly<Record<string, OptionSpec>>;
  readonly examples: readonly string[];
}

export type OptionValue = boolean | string | number | string[] | number[];

export interface ParsedArgs {
  readonly command: string;
  /** Positionals by name; a variadic one is an array. */
  readonly positionals: Readonly<Record<string, string | string[] | undefined>>;
  readonly options: Readonly<Record<string, OptionValue | undefined>>;
  readonly help: boolean;
}

/** A mistake on the command line: what, which argument, and how to fix it. Printed without a stack trace. */
export class UsageError extends Error {
  override readonly name = "UsageError";
  constructor(
    /** The command being parsed, or undefined before one is known. */
    readonly command: string | undefined,
    /** The offending argument as typed, when there is one. */
    readonly arg: string | undefined,
    readonly problem: string,
    readonly hint: string,
  ) {
    super(`${command ? `lathe ${command}` : "lathe"}: ${problem}. Hint: ${hint}`);
  }
}

/** Parses the arguments after the command name against its spec. */
export function parseCommandArgs(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  const options: Record<string, OptionValue | undefined> = {};
  const rest: string[] = [];
  let help = false;
  const shortToLong = new Map(Object.entries(spec.options).flatMap(([name, o]) => (o.short ? [[o.short, name] as const] : [])));

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      rest.push(...argv.slice(i + 1));
      break;
    }
    if (arg === "--help" || arg === "-h") {
      help = true;
      continue;
    }
    if (!arg.startsWith("-") || arg === "-") {
      rest.push(arg);
      continue;
    }
    let name: string;
    let inline: string | undefined;
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq === -1 ? undefined : arg.slice(eq + 1);
    } else {
      const long = shortToLong.get(arg.slice(1));
      if (long === undefined) throw unknownOption(spec, arg);
      name = long;
    }
    const opt = spec.options[name];
    if (!opt) throw unknownOption(spec, arg);
    let raw: string;
    if (opt.type === "boolean") {
      if (inline !== undefined) {
        throw new UsageError(spec.name, arg, `--${name} is a flag and takes no value, got "${inline}"`, `write just --${name}`);
      }
      options[name] = true;
      continue;
    }
    if (inline !== undefined) raw = inline;
    else if (i + 1 < argv.length && !isOptionLike(argv[i + 1])) raw = argv[++i];
    else throw new UsageError(spec.name, arg, `--${name} needs a value`, `write --${name} ${placeholderExample(name, opt)}`);
    const value = convert(spec.name, name, opt, raw);
    if (opt.multiple) {
      const prev = (options[name] as (string | number)[] | undefined) ?? [];
      options[name] = [...prev, value] as string[] | number[];
    } else {
      options[name] = value;
    }
  }

  const positionals: Record<string, string | string[] | undefined> = {};
  let k = 0;
  for (const p of spec.positionals) {
    if (p.variadic) {
      positionals[p.name] = rest.slice(k);
      k = rest.length;
    } else {
      positionals[p.name] = rest[k];
      if (rest[k] !== undefined) k++;
    }
    if (p.required && !help && (positionals[p.name] === undefined || (p.variadic && rest.length === 0))) {
      throw new UsageError(spec.name, undefined, `missing <${p.name}>`, `usage: ${usageLine(spec)}`);
    }
  }
  if (k < rest.length && !help) {
    throw new UsageError(
      spec.name,
      rest[k],
      `unexpected argument "${rest[k]}"`,
      spec.positionals.length === 0 ? `"lathe ${spec.name}" takes no arguments` : `usage: ${usageLine(spec)}`,
    );
  }
  return { command: spec.name, positionals, options, help };
}

/** "lathe build [recipes...] [options]". */
export function usageLine(spec: CommandSpec): string {
  const pos = spec.positionals.map((p) => {
    const n = `${p.name}${p.variadic ? "..." : ""}`;
    return p.required ? `<${n}>` : `[${n}]`;
  });
  return ["lathe", spec.name, ...pos, Object.keys(spec.options).length > 0 ? "[options]" : ""].filter(Boolean).join(" ");
}

/** The closest candidate within edit distance 2 (or sharing a 3+ letter prefix), for "did you mean". */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  if (best !== undefined && bestD <= Math.max(1, Math.min(2, Math.floor(word.length / 3)))) return best;
  const prefix = candidates.filter((c) => word.length >= 3 && c.startsWith(word));
  return prefix.length === 1 ? prefix[0] : undefined;
}

/** Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent swaps ("dyr" → "dry") cost 1. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

function isOptionLike(s: string): boolean {
  // Negative numbers ("-1") are values, not options.
  return s.startsWith("-") && s.length > 1 && !/^-\d/.test(s);
}

function unknownOption(spec: CommandSpec, arg: string): UsageError {
  const name = arg.replace(/^-+/, "").split("=")[0];
  const guess = closest(name, Object.keys(spec.options));
  const hint = guess ? `did you mean --${guess}? See "lathe help ${spec.name}"` : `see "lathe help ${spec.name}" for its options`;
  return new UsageError(spec.name, arg, `unknown option ${arg.split("=")[0]}`, hint);
}

function placeholderExample(name: string, opt: OptionSpec): string {
  if (opt.choices) return opt.choices.join("|");
  if (opt.type === "int") return "4";
  if (opt.type === "number") return "0.8";
  return `<${opt.value ?? "value"}>`;
}

function convert(command: string, name: string, opt: OptionSpec, raw: string): string | number {
  if (opt.type === "int") {
    const n = Number(raw);
    if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(n)) {
      throw new UsageError(command, raw, `--${name} must be an integer, got "${raw}"`, `write e.g. --${name} 4`);
    }
    return n;
  }
  if (opt.type === "number") {
    const n = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(n)) {
      throw new UsageError(command, raw, `--${name} must be a number, got "${raw}"`, `write e.g. --${name} 0.8`);
    }
    return n;
  }
  if (opt.choices && !opt.choices.includes(raw)) {
    const guess = closest(raw, opt.choices);
    throw new UsageError(
      command,
      raw,
      `--${name} must be one of ${opt.choices.join(", ")}, got "${raw}"`,
      guess ? `did you mean --${name} ${guess}?` : `write --${name} ${opt.choices[0]}`,
    );
  }
  return raw;
}

/** "10G", "512M", "1.5GiB", "2000" (bytes) → bytes. */
export function parseSize(command: string, flag: string, raw: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b)?$/i.exec(raw.trim());
  if (!m) throw new UsageError(command, raw, `${flag} must be a size like 500M or 10G, got "${raw}"`, `use a number with K, M, G or T (powers of 1024)`);
  const pow = { "": 0, k: 1, m: 2, g: 3, t: 4 }[m[2].toLowerCase() as "" | "k" | "m" | "g" | "t"];
  return Math.round(Number(m[1]) * 1024 ** pow);
}

/** "30d", "12h", "90m", "45s", "2w" → milliseconds. */
export function parseAge(command: string, flag: string, raw: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([smhdw])$/i.exec(raw.trim());
  if (!m) throw new UsageError(command, raw, `${flag} must be an age like 30d or 12h, got "${raw}"`, `use a number with s, m, h, d or w`);
  const unit = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3 }[m[2].toLowerCase() as "s" | "m" | "h" | "d" | "w"];
  return Number(m[1]) * unit;
}
