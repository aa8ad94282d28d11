// The JSON renderer writes each event as one line that parses back to the same event.
import { expect, test } from "bun:test";
import { createJsonRenderer } from "./json.ts";
import { SCRIPT } from "./scripted-events.ts";

test("every event becomes exactly one JSON line that round-trips", () => {
  const lines: string[] = [];
  const r = createJsonRenderer((l) => lines.push(l));
  for (const [, e] of SCRIPT) r.onEvent(e);
  expect(lines.length).toBe(SCRIPT.length);
  expect(lines.every((l) => !l.includes("\n"))).toBe(true);
  expect(lines.map((l) => JSON.parse(l))).toEqual(SCRIPT.map(([, e]) => e));
  expect(lines[0]).toStartWith('{"type":"build-start"');
});

test("with a recipe, build-start and build-done carry it and stage events stay plain engine events", () => {
  const lines: string[] = [];
  const r = createJsonRenderer((l) => lines.push(l), { recipe: "recipes/a.yaml" });
  for (const [, e] of SCRIPT) r.onEvent(e);
  const parsed = lines.map((l) => JSON.parse(l) as { type: string; recipe?: string });
  for (const [i, p] of parsed.entries()) {
    const e = SCRIPT[i][1];
    if (e.type === "build-start" || e.type === "build-done") expect(p).toEqual({ ...e, recipe: "recipes/a.yaml" });
    else expect(p).toEqual(e as never);
  }
  expect(parsed.filter((p) => p.recipe !== undefined).map((p) => p.type)).toEqual(["build-start", "build-done"]);
  expect(lines[0]).toStartWith('{"type":"build-start","recipe":"recipes/a.yaml"');
});
