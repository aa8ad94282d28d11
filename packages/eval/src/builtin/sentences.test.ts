// Sentence spans: ends at . ! ? before space, not after abbreviations or initials; newlines end unclosed lines.
import { describe, expect, test } from "bun:test";
import { sentences, startsSentence } from "./sentences.ts";

const split = (text: string) => sentences(text).map((s) => [text.slice(s.start, s.end), s.words, s.closed]);

describe("sentences", () => {
  test.each([
    ["It rained. We stayed in!", [["It rained.", 2, true], ["We stayed in!", 3, true]]],
    ["Mr. Smith met Dr. Jones at 3 p.m. today. Fine.", [["Mr. Smith met Dr. Jones at 3 p.m. today.", 9, true], ["Fine.", 1, true]]],
    ["J. F. Kennedy spoke. Then he left.", [["J. F. Kennedy spoke.", 4, true], ["Then he left.", 3, true]]],
    ['He said "Go home." She went.', [['He said "Go home."', 4, true], ["She went.", 2, true]]],
    ["A Heading\nThe text goes on. More", [["A Heading", 2, false], ["The text goes on.", 4, true], ["More", 1, false]]],
    ["The U.S. Army won... Or did it?", [["The U.S. Army won...", 4, true], ["Or did it?", 3, true]]],
    ["", []],
  ])("%j splits into %j", (text, want) => {
    expect(split(text)).toEqual(want as never);
  });

  test.each([
    ["The end.", true],
    ['"Yes," he said.', true],
    ["and then.", false],
    ["3 days.", false],
  ])("%j starts like a sentence: %p", (s, want) => {
    expect(startsSentence(s)).toBe(want);
  });
});
