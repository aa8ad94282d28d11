// The parameters that differ between trials: flattening recipes to dotted paths and comparing them.
import { expect, test } from "bun:test";
import { differingParams, flattenRecipe } from "./params.ts";

test.each([
  ["nested objects become dotted paths", { train: { lr: 1, sample: { top_k: 40 } } }, { "train.lr": 1, "train.sample.top_k": 40 }],
  ["arrays of objects are walked by index", { clean: [{ rule: "a" }, { rule: "b", min: 5 }] }, { "clean.0.rule": "a", "clean.1.rule": "b", "clean.1.min": 5 }],
  ["arrays of scalars are one value", { eval: { tasks: ["a", "b"] } }, { "eval.tasks": ["a", "b"] }],
  ["empty objects are one value", { vars: {} }, { vars: {} }],
])("flattenRecipe: %s", (_, recipe, flat) => {
  expect(Object.fromEntries(flattenRecipe(recipe))).toEqual(flat);
});

test.each([
  ["a grid over one field gives that field", [{ train: { lr: 1, steps: 5 } }, { train: { lr: 2, steps: 5 } }], ["train.lr"]],
  ["a var and the field it is substituted into give the var only", [{ vars: { w: 5 }, clean: [{ min: 5 }] }, { vars: { w: 8 }, clean: [{ min: 8 }] }], ["vars.w"]],
  ["two fields varied independently give both", [{ a: 1, b: 1 }, { a: 1, b: 2 }, { a: 2, b: 1 }], ["a", "b"]],
  ["a field only one trial has counts as differing", [{ a: 1 }, { a: 1, b: 2 }], ["b"]],
  ["the name and the sweep are never parameters", [{ name: "x", sweep: { grid: { a: [1] } }, a: 1 }, { name: "y", sweep: {}, a: 1 }], []],
  ["one recipe differs in nothing", [{ a: 1 }], []],
])("differingParams: %s", (_, recipes, paths) => {
  expect(differingParams(recipes)).toEqual(paths);
});
