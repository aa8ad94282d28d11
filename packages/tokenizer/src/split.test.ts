// The preset scanners must cut text exactly where their regexes do.
import { describe, expect, test } from "bun:test";
import { GPT2_PATTERN, GPT4_PATTERN, NANOCHAT_PATTERN } from "./presets.ts";
import { makeSplitter, regexSplitter, splitPattern } from "./split.ts";
import { TokenizerConfigError } from "./errors.ts";
import { randomText } from "./fixtures/random-text.ts";

function chunks(split: (s: string, i: number) => number, s: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; ) {
    const j = split(s, i);
    out.push(s.slice(i, j));
    i = j;
  }
  return out;
}

describe.each([
  ["gpt2", GPT2_PATTERN],
  ["gpt4", GPT4_PATTERN],
  ["nanochat", NANOCHAT_PATTERN],
])("the %s scanner", (_name, pattern) => {
  const scanner = makeSplitter(pattern);
  const regex = regexSplitter(pattern);
  test("cuts 3,000 random strings exactly like its regex", () => {
    for (let k = 0; k < 3000; k++) {
      const s = randomText(k, 40);
      expect(chunks(scanner, s)).toEqual(chunks(regex, s));
    }
  });
  test("cuts contractions, digits, CRLF and space runs like its regex", () => {
    const s = "I'LL say it's 1234567 dogs'  \r\n\r\n  end\t\t!!\n  x  ";
    expect(chunks(scanner, s)).toEqual(chunks(regex, s));
  });
});

test("nanochat splits numbers into runs of at most two digits", () => {
  expect(chunks(makeSplitter(NANOCHAT_PATTERN), "12345")).toEqual(["12", "34", "5"]);
  expect(chunks(makeSplitter(GPT4_PATTERN), "12345")).toEqual(["123", "45"]);
});

test("a custom regex keeps the text between matches as chunks", () => {
  expect(chunks(regexSplitter("[a-z]+"), "ab12cd!")).toEqual(["ab", "12", "cd", "!"]);
});

test("an invalid custom regex is a config error naming the field", () => {
  expect(() => splitPattern("custom", "(?<=a)+(")).toThrow(TokenizerConfigError);
  expect(() => splitPattern("custom", null)).toThrow(/custom split without a regex at \/tokenizer\/split/);
});
