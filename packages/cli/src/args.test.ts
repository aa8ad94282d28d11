// Argument parsing: values, repeatable options, and the exact text of every usage error.
import { describe, expect, test } from "bun:test";
import { parseAge, parseCommandArgs, parseSize, UsageError } from "./args.ts";
import { findCommand } from "./commands.ts";

function parse(command: string, argv: string[]) {
  const spec = findCommand(command);
  if (!spec) throw new Error(`no command ${command}`);
  return parseCommandArgs(spec, argv);
}

describe("parseCommandArgs", () => {
  test("build takes any number of recipes, repeated --set, flags and an integer --concurrency", () => {
    const a = parse("build", ["a.yaml", "--set", "train.lr=1e-3", "b.yaml", "--set=seed=2", "--dry", "--concurrency", "3"]);
    expect(a.positionals.recipes).toEqual(["a.yaml", "b.yaml"]);
    expect(a.options.set).toEqual(["train.lr=1e-3", "seed=2"]);
    expect(a.options.dry).toBe(true);
    expect(a.options.concurrency).toBe(3);
    expect(a.options.json).toBeUndefined();
  });

  test("a negative number is taken as an option's value, not as an option", () => {
    expect(parse("sample", ["r.yaml", "--seed", "-5"]).options.seed).toBe(-5);
  });

  test("arguments after -- are positionals even when they start with a dash", () => {
    expect(parse("build", ["--", "--odd.yaml"]).positionals.recipes).toEqual(["--odd.yaml"]);
  });

  test("--help anywhere sets help and skips the required-positional check", () => {
    const a = parse("graph", ["--help"]);
    expect(a.help).toBe(true);
  });

  test.each([
    ["build", ["--dyr"], 'lathe build: unknown option --dyr. Hint: did you mean --dry? See "lathe help build"'],
    ["build", ["--concurency=2"], 'lathe build: unknown option --concurency. Hint: did you mean --concurrency? See "lathe help build"'],
    ["build", ["--wat"], 'lathe build: unknown option --wat. Hint: see "lathe help build" for its options'],
    ["build", ["-x"], 'lathe build: unknown option -x. Hint: see "lathe help build" for its options'],
    ["build", ["--concurrency"], "lathe build: --concurrency needs a value. Hint: write --concurrency 4"],
    ["build", ["--concurrency", "many"], 'lathe build: --concurrency must be an integer, got "many". Hint: write e.g. --concurrency 4'],
    ["build", ["--dry=yes"], 'lathe build: --dry is a flag and takes no value, got "yes". Hint: write just --dry'],
    ["build", ["--set"], "lathe build: --set needs a value. Hint: write --set <key=value>"],
    ["graph", [], "lathe graph: missing <recipe>. Hint: usage: lathe graph <recipe> [options]"],
    ["graph", ["r.yaml", "--format", "svg"], 'lathe graph: --format must be one of mermaid, dot, got "svg". Hint: write --format mermaid'],
    ["graph", ["r.yaml", "--format", "dto"], 'lathe graph: --format must be one of mermaid, dot, got "dto". Hint: did you mean --format dot?'],
    ["graph", ["r.yaml", "extra"], 'lathe graph: unexpected argument "extra". Hint: usage: lathe graph <recipe> [options]'],
    ["status", ["cache"], 'lathe status: unexpected argument "cache". Hint: "lathe status" takes no arguments'],
    ["inspect", ["r.yaml"], "lathe inspect: missing <stage>. Hint: usage: lathe inspect <recipe> <stage> [options]"],
    ["sample", ["r.yaml", "--temperature", "hot"], 'lathe sample: --temperature must be a number, got "hot". Hint: write e.g. --temperature 0.8'],
    ["sample", ["r.yaml", "--max-tokens", "1.5"], 'lathe sample: --max-tokens must be an integer, got "1.5". Hint: write e.g. --max-tokens 4'],
  ])("lathe %s %j fails with a message naming the argument and a hint", (command, argv, message) => {
    let err: unknown;
    try {
      parse(command, argv);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toBe(message);
  });
});

describe("sizes and ages", () => {
  test.each([
    ["10G", 10 * 1024 ** 3],
    ["512m", 512 * 1024 ** 2],
    ["1.5GiB", 1.5 * 1024 ** 3],
    ["2000", 2000],
  ])("size %s is %d bytes", (raw, bytes) => {
    expect(parseSize("gc", "--max-size", raw)).toBe(bytes);
  });

  test.each([
    ["30d", 30 * 86400e3],
    ["12h", 12 * 3600e3],
    ["2w", 14 * 86400e3],
  ])("age %s is %d ms", (raw, ms) => {
    expect(parseAge("gc", "--max-age", raw)).toBe(ms);
  });

  test("a size without a number names the flag and the value", () => {
    expect(() => parseSize("gc", "--max-size", "big")).toThrow(
      'lathe gc: --max-size must be a size like 500M or 10G, got "big". Hint: use a number with K, M, G or T (powers of 1024)',
    );
  });

  test("an age without a unit names the flag and the value", () => {
    expect(() => parseAge("gc", "--max-age", "30")).toThrow(
      'lathe gc: --max-age must be an age like 30d or 12h, got "30". Hint: use a number with s, m, h, d or w',
    );
  });
});
