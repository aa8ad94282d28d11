// The llm.c side of `bench train --llmc`: parsing train_gpt2.c's step lines, running a binary, ratios per round.
import { describe, expect, test } from "bun:test";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseLlmcSteps, round, runLlmc, spread } from "./llmc.ts";

const TRAIN_GPT2_OUTPUT = [
  "[GPT-2]",
  "max_seq_len: 64",
  "num_parameters: 1049600",
  "val loss 5.545",
  "step 0: train loss 5.547 (took 210.100000 ms)",
  "step 1: train loss 5.412 (took 131.500000 ms)",
  "step 2: train loss 5.301 (took 129.000000 ms)",
  "generating:",
  "step 3: train loss 5.200 (took 140.250000 ms)",
].join("\n");

/** A stand-in for an llm.c binary: a shell script printing the given text and exiting with code. */
function fakeBinary(text: string, code = 0): string {
  const file = join(mkdtempSync(join(tmpdir(), "lathe-llmc-")), "train_gpt2");
  writeFileSync(file, `#!/bin/sh\ncat <<'END'\n${text}\nEND\nexit ${code}\n`);
  chmodSync(file, 0o755);
  return file;
}

describe("llm.c step times", () => {
  test("are read from train_gpt2.c's step lines, without the warm-up step", () => {
    expect(parseLlmcSteps(TRAIN_GPT2_OUTPUT)).toEqual([131.5, 129, 140.25]);
  });

  test("come from running the binary", async () => {
    expect(await runLlmc([fakeBinary(TRAIN_GPT2_OUTPUT)])).toEqual([131.5, 129, 140.25]);
  });

  test("a binary that prints no step times is an error that says what --llmc needs", async () => {
    const bin = fakeBinary("usage: train_gpt2", 1);
    await expect(runLlmc([bin])).rejects.toThrow(`llm.c run \`${bin}\` exited with 1. Hint: --llmc takes a binary that prints "step N: ... (took X ms)" per step`);
  });
});

describe("ratios", () => {
  test("each round compares the median steps, and the spread is over rounds", () => {
    const rounds = [round([100, 120, 110], [132, 130, 140]), round([130, 128, 129], [129, 131, 130]), round([150, 160, 155], [124, 124, 124])];
    expect(rounds).toEqual([
      { lathe_ms: 110, llmc_ms: 132, ratio: 1.2 },
      { lathe_ms: 129, llmc_ms: 130, ratio: 1.008 },
      { lathe_ms: 155, llmc_ms: 124, ratio: 0.8 },
    ]);
    expect(spread(rounds)).toEqual({ median: 1.008, min: 0.8, max: 1.2 });
  });
});
