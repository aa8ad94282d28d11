// Task templates render as the harness's jinja2 does. Run: bun test packages/eval/src/tasks
import { expect, test } from "bun:test";
import { MissingVariableError, template } from "./template.ts";

const doc = { question: "  Why? ", choices: { text: ["a", "b"], label: ["A", "B"] }, answerKey: "B", text: "the cat sat down", sol1: "x", sol2: "y" };

test.each([
  ["{{question.strip()}}", "Why?"],
  ["{{choices.label.index(answerKey)}}", "1"],
  ["{{text.split(' ')[:-1]|join(' ')}}", "the cat sat"],
  ["{{' '+text.split(' ')[-1]}}", " down"],
  ["{% set p = 'Q: ' %}{{p + question.strip()}}", "Q: Why?"],
  ["{{ text | regex_replace('(\\\\w+) sat', '\\\\1 stood') }}", "the cat stood down"],
  ["{% if missing is defined %}yes{% else %}no{% endif %}", "no"],
  ["line\n", "line\n"],
])("%p renders %p", (src, out) => {
  expect(template(src).render(doc)).toBe(out);
});

test("a one-expression template gives its value, so a list stays a list", () => {
  expect(template("{{[sol1, sol2]}}").value(doc)).toEqual(["x", "y"]);
  expect(template("{{choices.text}}").value(doc)).toEqual(["a", "b"]);
});

test("an undefined variable is an error naming it, as jinja2's StrictUndefined", () => {
  expect(() => template("{{questoin}}").render(doc)).toThrow(new MissingVariableError("questoin"));
  expect(() => template("{{questoin}}").render(doc)).toThrow('undefined variable "questoin"');
});
