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
