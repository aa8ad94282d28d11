// formatDry and formatExplain: exact lines, including the mark of a machine-dependent stage.
import { describe, expect, test } from "bun:test";
import type { PlannedStage } from "@lathe/engine";
import { formatDry, formatExplain } from "./dry.ts";

const planned: PlannedStage[] = [
  { id: "pack", kind: "tokenizer.pack", resource: "cpu", key: "a".repeat(64), status: "hit", changes: [], deps: [], outDir: "/c/pack" },
  { id: "train", kind: "model.train", resource: "gpu", key: "b".repeat(64), status: "hit", changes: [], deps: ["pack"], outDir: "/c/train", machineDependent: "time_budget 9.5m" },
  { id: "eval", kind: "eval.run", resource: "gpu", key: "c".repeat(64), status: "miss", changes: [{ type: "env", name: "LATHE_MATMUL" }], deps: ["train"], machineDependent: true },
];

describe("the machine-dependent mark", () => {
  test("--dry shows it after the kind, before the changes", () => {
    expect(formatDry("recipes/brown-gpt.yaml", planned)).toBe(
      [
        "recipes/brown-gpt.yaml: 3 stages, 2 cached, 1 to build",
        "  hit   pack   tokenizer.pack",
        "  hit   train  model.train     (machine-dependent: time_budget 9.5m)",
        "  miss  eval   eval.run        (machine-dependent)  env LATHE_MATMUL changed",
      ].join("\n"),
    );
  });

  test("explain gives it a line of its own with what it means", () => {
    expect(formatExplain("recipes/brown-gpt.yaml", planned, "train")).toBe(
      [
        "train (model.train): cached",
        `  key ${"b".repeat(16)}, output in /c/train`,
        "  machine-dependent (time_budget 9.5m): its output depends on this machine, so it is never shared through the remote cache",
        "  needs pack",
      ].join("\n"),
    );
  });

  test("a stage that is not machine-dependent has no mark", () => {
    expect(formatExplain("r", planned, "pack")).toBe(`pack (tokenizer.pack): cached\n  key ${"a".repeat(16)}, output in /c/pack`);
  });
});
