// Suggestion and value-description helpers behind the error hints.
import { describe, expect, test } from "bun:test";
import { closest, describeValue, didYouMean, levenshtein } from "./hints.ts";

describe("hints", () => {
  test.each([
    ["lr", "lr", 0],
    ["lrr", "lr", 1],
    ["trian", "train", 2],
    ["", "abc", 3],
    ["kitten", "sitting", 3],
  ])("levenshtein(%p, %p) is %p", (a, b, d) => {
    expect(levenshtein(a, b)).toBe(d);
  });

  test("closest picks a likely typo and ignores unrelated words", () => {
    expect(closest("learning_rat", ["lr", "learning_rate", "warmup"])).toBe("learning_rate");
    expect(closest("PORT", ["host", "port"])).toBe("port");
    expect(closest("workers", ["host", "port", "max_tokens"])).toBeUndefined();
  });

  test("didYouMean lists the allowed names when nothing is close", () => {
    expect(didYouMean("prot", ["host", "port"])).toBe("did you mean `port`?");
    expect(didYouMean("zzz", ["host", "port"])).toBe("allowed keys: host, port.");
  });

  test("describeValue names the type and shows the value, cut when long", () => {
    expect(describeValue("3e-4")).toBe('string "3e-4"');
    expect(describeValue(2)).toBe("number 2");
    expect(describeValue([1, 2])).toBe("array [1,2]");
    expect(describeValue(null)).toBe("null");
    expect(describeValue("x".repeat(100))).toHaveLength(67);
  });
});
