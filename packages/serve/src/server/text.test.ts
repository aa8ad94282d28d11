// Stop strings cut and held back across deltas, and the incremental detokenizer holding cut UTF-8 characters.
// Run: bun test packages/serve/src/server
import { describe, expect, test } from "bun:test";
import { byteTokenizer } from "@lathe/tokenizer";
import { IncrementalText, StopMatcher } from "./text.ts";

describe("StopMatcher", () => {
  const cases: [string, string[], string[], string[], boolean][] = [
    // title, stops, deltas pushed, what each push shows (then flush last), stopped
    ["text without stop strings passes through", [], ["ab", "cd"], ["ab", "cd", ""], false],
    ["a stop string inside one delta cuts before it", ["\n\n"], ["ab\n\ncd"], ["ab", ""], true],
    ["a stop string split over deltas is held back and never shown", ["END"], ["abE", "N", "Dxyz"], ["ab", "", "", ""], true],
    ["a held prefix that does not complete is released", ["END"], ["abE", "Nx"], ["ab", "ENx", ""], false],
    ["a held prefix at the end of generation comes out on flush", ["END"], ["abEN"], ["ab", "EN"], false],
    ["the earliest of several stop strings wins", ["c", "b"], ["abc"], ["a", ""], true],
    ["nothing shows after the stop", ["x"], ["ax", "more"], ["a", "", ""], true],
  ];
  test.each(cases)("%s", (_, stops, deltas, shown, stopped) => {
    const m = new StopMatcher(stops);
    expect([...deltas.map((d) => m.push(d)), m.flush()]).toEqual(shown);
    expect(m.stopped).toBe(stopped);
  });
});

describe("IncrementalText", () => {
  const tok = byteTokenizer(["<|endoftext|>"]);
  test("a multi-byte character shows only once its last byte arrives", () => {
    const inc = new IncrementalText((ids) => tok.decode(ids));
    const ids = Array.from(new TextEncoder().encode("aé€"));
    expect(ids.map((id) => inc.push(id))).toEqual(["a", "", "é", "", "", "€"]);
    expect(inc.flush()).toBe("");
  });

  test("a character still cut at the end comes out as U+FFFD on flush", () => {
    const inc = new IncrementalText((ids) => tok.decode(ids));
    expect([inc.push(0x61), inc.push(0xe2), inc.push(0x82), inc.flush()]).toEqual(["a", "", "", "\uFFFD"]);
  });
});
