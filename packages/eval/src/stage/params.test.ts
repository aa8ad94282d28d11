// Plan-time checks of the eval section's tasks: names resolve to built-in, shipped or file tasks; a bad name, a
// missing data file or a URL without its sha256 is an error located in the recipe, before anything builds.
import { expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { withSectionDefaults, type Eval } from "@lathe/recipe";
import { resolveTasks, taskInputFiles } from "./params.ts";

const root = mkdtempSync(join(tmpdir(), "lathe-eval-params-"));
const recipe = join(root, "recipes", "r.yaml");
writeFileSync(join(root, "hs.jsonl"), "{}\n");
const section = (tasks: unknown[]) => withSectionDefaults<Eval>("eval", { tasks });
const at = () => ({ file: "recipes/r.yaml", line: 12, col: 5 });

test("names become built-in, shipped or file tasks, with data files relative to the root", () => {
  writeFileSync(join(root, "my.yaml"), "task: my\noutput_type: loglikelihood\ndoc_to_text: '{{text}}'\ndoc_to_target: '{{t}}'\n");
  const tasks = resolveTasks(section(["brown_cloze", { task: "hellaswag", data_files: { validation: "../hs.jsonl" } }, "../my.yaml"]), recipe, root);
  expect(tasks.map((t) => [t.task, t.kind])).toEqual([["brown_cloze", "builtin"], ["hellaswag", "shipped"], ["../my.yaml", "file"]]);
  expect(tasks[1]!.data_files).toEqual({ validation: ["hs.jsonl"] });
  expect(tasks[2]!.file).toBe("my.yaml");
  expect(taskInputFiles(tasks, root)).toEqual(expect.arrayContaining(["hs.jsonl", "my.yaml"]));
});

test.each([
  [["hellaswg"], 'recipes/r.yaml:12:5 (task): no task named "hellaswg". Hint: did you mean "hellaswag"?'],
  [[{ task: "piqa", data_files: { validation: "nope.csv" } }], "recipes/r.yaml:12:5 (data_files.validation): data file recipes/nope.csv does not exist. Hint: the path is relative to the recipe's folder (recipes)"],
  [[{ task: "piqa", data_files: { validation: "https://example.com/piqa.csv" } }], "recipes/r.yaml:12:5 (data_files.validation): URL https://example.com/piqa.csv has no #sha256=<64 hex> suffix. Hint: append the file's sha256 so the download is verified and cached"],
])("%j is refused at its place in the recipe", (tasks, message) => {
  expect(() => resolveTasks(section(tasks), recipe, root, at)).toThrow(message);
});
