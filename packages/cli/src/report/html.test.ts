// Escaping for the report page: text, attributes, JSON and code inside <script>/<style>.
import { expect, test } from "bun:test";
import { esc, inlineCode, scriptJson } from "./html.ts";

test("esc escapes the five HTML-special characters", () => {
  expect(esc(`<a href="x">Tom & Jerry's</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
});

test.each([
  ["a closing script tag", { s: "</script><script>alert(1)</script>" }],
  ["an HTML comment opener", { s: "<!-- x" }],
  ["line and paragraph separators", { s: "a\u2028b\u2029c" }],
])("scriptJson hides %s from the HTML parser and parses back unchanged", (_, value) => {
  const json = scriptJson(value);
  expect(json).not.toMatch(/<|\u2028|\u2029/);
  expect(JSON.parse(json)).toEqual(value);
});

test("inlineCode breaks up a closing tag of its own element", () => {
  expect(inlineCode('s = "</script>"', "script")).toBe('s = "<\\/script>"');
  expect(inlineCode("a { } </STYLE>", "style")).toBe("a { } <\\/style>");
});
