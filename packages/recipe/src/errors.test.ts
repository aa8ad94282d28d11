// Malformed recipes and the exact error text each one gives: location, JSON pointer, bad value, hint.
import { describe, expect, test } from "bun:test";
import { errorText } from "./test-fixtures.ts";

const HEAD = "# yaml-language-server: $schema=../schemas/recipe.schema.json\n";

interface Case {
  readonly what: string;
  readonly files: Record<string, string>;
  readonly set?: readonly string[];
  readonly error: string;
}

const cases: Case[] = [
  {
    what: "a quoted number",
    files: { "x.yaml": `${HEAD}name: demo\ntrain:\n  lr: "3e-4"\n` },
    error: `x.yaml:4:7: /train/lr must be number, got string "3e-4". Hint: remove the quotes.`,
  },
  {
    what: "a quoted integer in a field of the root",
    files: { "x.yaml": `seed: "3"\n` },
    error: `x.yaml:1:7: /seed must be integer, got string "3". Hint: remove the quotes.`,
  },
  {
    what: "a number where text is expected",
    files: { "x.yaml": `name: 12\n` },
    error: `x.yaml:1:7: /name must be string, got number 12. Hint: quote it: "12".`,
  },
  {
    what: "a fraction where a whole number is expected",
    files: { "x.yaml": `eval:\n  samples: 2.5\n` },
    error: `x.yaml:2:12: /eval/samples must be integer, got number 2.5. Hint: use a whole number, e.g. 3.`,
  },
  {
    what: "a misspelled key",
    files: { "x.yaml": `serve:\n  prot: 8080\n` },
    error: "x.yaml:2:3: /serve/prot is not a known key. Hint: did you mean `port`?",
  },
  {
    what: "a misspelled section",
    files: { "x.yaml": `trian:\n  lr: 1e-3\n` },
    error: "x.yaml:1:1: /trian is not a known recipe section. Hint: did you mean `train`?",
  },
  {
    what: "an unknown key with nothing close lists the allowed keys",
    files: { "x.yaml": `serve:\n  workers: 4\n` },
    error: "x.yaml:2:3: /serve/workers is not a known key. Hint: allowed keys: host, port, max_tokens.",
  },
  {
    what: "a value outside an enum",
    files: { "x.yaml": `eval:\n  split: tset\n` },
    error: 'x.yaml:2:10: /eval/split must be one of "auto", "val", "test", got string "tset". Hint: did you mean `test`?',
  },
  {
    what: "a number above the maximum",
    files: { "x.yaml": `serve:\n  port: 70000\n` },
    error: "x.yaml:2:9: /serve/port must be <= 65535, got number 70000. Hint: use a value >= 1 and <= 65535.",
  },
  {
    what: "a number at an exclusive minimum",
    files: { "x.yaml": `finetune:\n  lr: 0\n` },
    error: "x.yaml:2:7: /finetune/lr must be > 0, got number 0. Hint: use a value > 0.",
  },
  {
    what: "a negative seed",
    files: { "x.yaml": `seed: -1\n` },
    error: "x.yaml:1:7: /seed must be >= 0, got number -1. Hint: use a value >= 0.",
  },
  {
    what: "a map where a section expects one",
    files: { "x.yaml": `serve: 8080\n` },
    error: "x.yaml:1:8: /serve must be object, got number 8080. Hint: write a map of keys (`key: value` lines indented below).",
  },
  {
    what: "a oneOf tag that matches no branch",
    files: { "x.yaml": `model:\n  kind: gtp\n` },
    error: 'x.yaml:2:9: /model/kind must be one of "gpt", "rnn", got string "gtp". Hint: did you mean `gpt`?',
  },
  {
    what: "an error inside the oneOf branch the tag picks",
    files: { "x.yaml": `model:\n  kind: rnn\n  hidden: wide\n` },
    error: 'x.yaml:3:11: /model/hidden must be integer, got string "wide".',
  },
  {
    what: "a key of another oneOf branch",
    files: { "x.yaml": `model:\n  kind: rnn\n  n_layer: 2\n` },
    error: "x.yaml:3:3: /model/n_layer is not a known key. Hint: allowed keys: kind, hidden.",
  },
  {
    what: "an extends path that does not exist",
    files: { "base.yaml": "seed: 1\n", "x.yaml": "extends: bsae.yaml\n" },
    error: "x.yaml:1:10: /extends points to a missing file: bsae.yaml. Hint: did you mean `base.yaml`?",
  },
  {
    what: "an extends cycle",
    files: { "x.yaml": "extends: y.yaml\n", "y.yaml": "seed: 2\nextends: x.yaml\n" },
    error: "y.yaml:2:10: extends cycle: x.yaml → y.yaml → x.yaml. Hint: remove the extends that points back.",
  },
  {
    what: "extends that is not a path",
    files: { "x.yaml": "extends: [a.yaml, b.yaml]\n" },
    error: "x.yaml:1:10: /extends must be a path to another recipe, got a list. Hint: write `extends: base.yaml` (relative to this file).",
  },
  {
    what: "an error in an extended file, located in that file",
    files: { "base.yaml": "name: base\nseed: many\n", "x.yaml": "extends: base.yaml\nname: x\n" },
    error: 'base.yaml:2:7: /seed must be integer, got string "many".',
  },
  {
    what: "an unknown variable",
    files: { "x.yaml": "vars:\n  port: 9000\nserve:\n  port: ${prot}\n" },
    error: "x.yaml:4:9: /serve/port references unknown variable `${prot}`. Hint: did you mean `${port}`?",
  },
  {
    what: "a reference cycle",
    files: { "x.yaml": "vars:\n  a: ${b}\n  b: ${a}\n" },
    error: "x.yaml:3:6: /vars/b is part of a reference cycle: vars.a → vars.b → vars.a. Hint: replace one of the references with a plain value.",
  },
  {
    what: "a reference inside text where a number is expected",
    files: { "x.yaml": "vars:\n  n: 3\nseed: s${n}\n" },
    error: 'x.yaml:3:7: /seed must be integer, got string "s3".',
  },
  {
    what: "a variable name that cannot be referenced",
    files: { "x.yaml": "vars:\n  2x: 4\n" },
    error: "x.yaml:2:3: /vars/2x is not a valid name: it must match ^[A-Za-z_][A-Za-z0-9_-]*$. Hint: use letters, digits, _ and -, starting with a letter or _.",
  },
  {
    what: "a YAML syntax error",
    files: { "x.yaml": "serve:\n  port: [80, 81\nseed: 1\n" },
    error: "x.yaml:3:1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]. Hint: check the indentation and the closing bracket.",
  },
  {
    what: "tabs as indentation",
    files: { "x.yaml": "serve:\n\tport: 80\n" },
    error: "x.yaml:2:1: YAML syntax error: Tabs are not allowed as indentation. Hint: indent with spaces, not tabs.",
  },
  {
    what: "a duplicate key",
    files: { "x.yaml": "seed: 1\nname: a\nseed: 2\n" },
    error: 'x.yaml:3:1: duplicate key "seed". Hint: a key may appear once per map; remove or rename one of them.',
  },
  {
    what: "an alias to an anchor that does not exist",
    files: { "x.yaml": "serve:\n  port: *p\n" },
    error: "x.yaml:2:9: unknown alias *p. Hint: define the anchor &p before using it.",
  },
  {
    what: "a recipe that is a list",
    files: { "x.yaml": "- seed: 1\n" },
    error: "x.yaml:1:1: a recipe must be a map of sections, got a list. Hint: write `section: ...` lines, e.g. `train:`.",
  },
  {
    what: "a --set path that does not exist",
    files: { "x.yaml": "seed: 1\n" },
    set: ["serve.prot=80"],
    error: "--set serve.prot=80: /serve/prot is not a known key. Hint: did you mean `port`?",
  },
  {
    what: "a --set value that is not YAML",
    files: { "x.yaml": "seed: 1\n" },
    set: ["serve.host=[a,"],
    error: `--set serve.host=[a,: cannot read the value "[a," as YAML: Flow sequence must end with a ]. Hint: quote text that contains YAML punctuation: --set 'serve.host="[a,"'.`,
  },
  {
    what: "a --set value of the wrong type",
    files: { "x.yaml": "seed: 1\n" },
    set: ["serve.port=eighty"],
    error: '--set serve.port=eighty: /serve/port must be integer, got string "eighty".',
  },
  {
    what: "a --set without a value",
    files: { "x.yaml": "seed: 1\n" },
    set: ["serve.port"],
    error: "--set serve.port: expected path=value. Hint: e.g. --set train.lr=1e-3",
  },
  {
    what: "zip lists of different lengths",
    files: { "x.yaml": "sweep:\n  zip:\n    serve.port: [80, 81]\n    seed: [1, 2, 3]\n" },
    error: "x.yaml:4:11: /sweep/zip/seed has 3 values but /sweep/zip/serve.port has 2. Hint: zipped lists change together, so they must have the same length.",
  },
  {
    what: "an empty grid list",
    files: { "x.yaml": "sweep:\n  grid:\n    seed: []\n" },
    error: "x.yaml:3:11: /sweep/grid/seed must have at least 1 item, got 0 items. Hint: give at least one value, or remove the key.",
  },
  {
    what: "a grid over a path that does not exist",
    files: { "x.yaml": "sweep:\n  grid:\n    serve.prot: [80, 81]\n" },
    error: "x.yaml:3:5: /sweep/grid/serve.prot names /serve/prot, which is not a known key. Hint: did you mean `port`?",
  },
  {
    what: "random with min above max",
    files: { "x.yaml": "sweep:\n  random:\n    n: 4\n    params:\n      finetune.lr: {min: 1e-3, max: 1e-5}\n" },
    error: "x.yaml:5:37: /sweep/random/params/finetune.lr/max must be >= min (0.001), got number 0.00001. Hint: swap min and max.",
  },
  {
    what: "a log range that starts at zero",
    files: { "x.yaml": "sweep:\n  random:\n    n: 4\n    params:\n      finetune.lr: {min: 0, max: 1e-3, log: true}\n" },
    error: "x.yaml:5:26: /sweep/random/params/finetune.lr/min must be > 0 for a log range, got number 0. Hint: use a positive min, or drop `log: true`.",
  },
  {
    what: "random with choices and a range",
    files: { "x.yaml": "sweep:\n  random:\n    n: 2\n    params:\n      eval.split: {choices: [val, test], min: 1}\n" },
    error: "x.yaml:5:47: /sweep/random/params/eval.split has both choices and min. Hint: use either choices or a min..max range.",
  },
  {
    what: "random samples without params",
    files: { "x.yaml": "sweep:\n  random:\n    n: 3\n" },
    error: "x.yaml:3:8: /sweep/random/n is 3 but /sweep/random/params is empty. Hint: add params to sample, e.g. `train.lr: {min: 1e-4, max: 1e-2, log: true}`.",
  },
  {
    what: "a trial that is invalid on its own",
    files: { "x.yaml": "sweep:\n  grid:\n    serve.port: [80, 0]\n" },
    error: "x.yaml:3:22: trial-2 (serve.port=0): /serve/port must be >= 1, got number 0. Hint: use a value >= 1 and <= 65535.",
  },
  {
    what: "the same problem in many trials, once",
    files: { "x.yaml": "sweep:\n  grid:\n    seed: [1, 2, 3]\n    serve.port: [0]\n" },
    error: "x.yaml:4:18: trial-1 (seed=1, serve.port=0) and 2 other trials: /serve/port must be >= 1, got number 0. Hint: use a value >= 1 and <= 65535.",
  },
  {
    what: "a sweep problem together with a problem elsewhere",
    files: { "x.yaml": "seed: x\nsweep:\n  zip:\n    seed: [1]\n    serve.port: [80, 81]\n" },
    error: [
      'x.yaml:1:7: /seed must be integer, got string "x".',
      "x.yaml:5:17: /sweep/zip/serve.port has 2 values but /sweep/zip/seed has 1. Hint: zipped lists change together, so they must have the same length.",
    ].join("\n"),
  },
  {
    what: "a missing recipe file",
    files: { "y.yaml": "seed: 1\n" },
    error: "x.yaml: recipe file not found: x.yaml. Hint: did you mean `y.yaml`?",
  },
];

describe("malformed recipes", () => {
  test.each(cases)("$what is reported with location, pointer and hint", async ({ files, set, error }) => {
    expect(await errorText(files, set)).toBe(error);
  });

  test("every problem of a file is reported at once, in file order", async () => {
    const text = await errorText({ "x.yaml": `serve:\n  prot: 80\nseed: "1"\neval:\n  split: tst\n` }, ["eval.samples=-1"]);
    expect(text.split("\n")).toEqual([
      "--set eval.samples=-1: /eval/samples must be >= 0, got number -1. Hint: use a value >= 0 and <= 100.",
      "x.yaml:2:3: /serve/prot is not a known key. Hint: did you mean `port`?",
      'x.yaml:3:7: /seed must be integer, got string "1". Hint: remove the quotes.',
      'x.yaml:5:10: /eval/split must be one of "auto", "val", "test", got string "tst". Hint: did you mean `test`?',
    ]);
  });
});
