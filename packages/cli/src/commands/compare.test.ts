// lathe compare's note about trials that are not built, and the build command it suggests.
import { expect, test } from "bun:test";
import type { ParsedArgs } from "../args.ts";
import { fixtureTrials } from "../trials/test-fixtures.ts";
import { trialTable } from "../trials/table.ts";
import { unbuiltNote } from "./compare.ts";

const args = (set?: string[]): ParsedArgs => ({ command: "compare", positionals: { recipe: "sweep.yaml" }, options: set ? { set } : {}, help: false });

test.each<[string, string[] | undefined, string]>([
  ["the recipe alone", undefined, "lathe compare: 1 of 3 trials are not built yet (lathe build sweep.yaml builds them)\n"],
  ["the same --set flags, quoted when they hold spaces", ["train.steps=30", "eval.tasks=[a, b]"], 'lathe compare: 1 of 3 trials are not built yet (lathe build sweep.yaml --set train.steps=30 --set "eval.tasks=[a, b]" builds them)\n'],
])("the note names the build command with %s", (_, set, note) => {
  expect(unbuiltNote("compare", trialTable("sweep.yaml", fixtureTrials()), args(set))).toBe(note);
});

test("with every trial built there is no note", () => {
  expect(unbuiltNote("compare", trialTable("sweep.yaml", fixtureTrials().slice(0, 2)), args())).toBe("");
});
