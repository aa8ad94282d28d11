// Each cleaning rule on crafted documents: what it keeps, rewrites and drops, and the reason it gives.
import { beforeAll, describe, expect, test } from "bun:test";
import { resolveClean } from "../section.ts";
import { Cleaner } from "./pipeline.ts";
import { buildRule, prepareClean } from "./pipeline.ts";
import { luhn, redactPii } from "./pii.ts";
import { isDrop, type Verdict } from "./rule.ts";

/** Apply one rule (given partially; defaults filled from the schema) to one text. */
function apply(rule: Record<string, unknown>, text: string, id = "doc"): Verdict {
  const r = buildRule(resolveClean([rule])[0]!, new Map())!;
  return r.apply(text, id);
}
const reason = (v: Verdict) => (isDrop(v) ? v.drop : "kept");

// The language detectors are imported lazily; load both for the language filter tests.
beforeAll(() => prepareClean(resolveClean([{ rule: "filter", kind: "language", method: "langid" }, { rule: "filter", kind: "language", method: "franc" }])));

// A plain English paragraph that passes every default quality filter.
const good = [
  "The committee met on Tuesday to review the plans for the new library, which the town has discussed for years.",
  "Members agreed that the building should be close to the school and that it should have a large reading room.",
  "They also asked the architect to keep the cost within the budget approved by the council last spring.",
  "A final decision is expected next month, after a public meeting where residents can share their views.",
  "Most of the people who spoke at the first meeting were in favour of the project and of the chosen site.",
  "The mayor said that she was happy with the progress and that the library would open within two years.",
].join("\n");

describe("normalize", () => {
  test("folds NFKC forms, strips control and zero-width characters, collapses spaces and blank lines", () => {
    expect(apply({ rule: "normalize", form: "NFKC" }, "ﬁne\u200b  text\t here \r\n\r\n\r\n\r\nnext\u0007 line ")).toBe("fine text here\n\nnext line");
  });
  test("a document that is only whitespace is dropped as empty", () => {
    expect(reason(apply({ rule: "normalize" }, " \n\t\u200b "))).toBe("empty");
  });
});

describe("filters", () => {
  test.each([
    [{ min_chars: 10 }, "short", "too_short"],
    [{ max_chars: 5 }, "longer text", "too_long"],
    [{ min_words: 3 }, "two words", "too_few_words"],
    [{ min_words: 2 }, "two words", "kept"],
  ])("length %j on %j → %s", (p, text, want) => {
    expect(reason(apply({ rule: "filter", kind: "length", ...p }, text))).toBe(want);
  });

  test.each([
    ["a well-formed paragraph", good, "kept"],
    ["too few words", "The cat sat on the mat with the hat.", "short_doc"],
    ["too many hashes", `${good}\n${"#tag ".repeat(40)}`, "hashes"],
    ["mostly bullet lines", Array.from({ length: 20 }, (_, i) => `- item number ${i} of the list that has the words and to of`).join("\n"), "bullets"],
    ["lines ending in ellipses", Array.from({ length: 10 }, (_, i) => `something happened yesterday evening near the station ${i} and then...`).join("\n"), "ellipsis_lines"],
    ["many ellipses", `${good} ${"well... ".repeat(30)}`, "ellipses"],
    ["no stop words", "Quick brown foxes jump over lazy dogs repeatedly. ".repeat(12), "stop_words"],
    ["mostly numbers", `${"1234567 2345678 3456789 ".repeat(30)} the and of to with`, "non_alpha"],
    ["overlong words", `${"incomprehensibilities ".repeat(60)} the and`, "long_words"],
  ])("gopher_quality: %s → %s", (_, text, want) => {
    expect(reason(apply({ rule: "filter", kind: "gopher_quality" }, text))).toBe(want);
  });

  test.each([
    ["a well-formed paragraph", good, "kept"],
    ["the same line again and again", Array.from({ length: 10 }, () => "Buy cheap watches online today at the best price.").join("\n"), "dup_line_frac"],
    ["one repeated paragraph", `${good}\n\n${good}\n\n${good}`, "dup_para_frac"],
    ["a repeated bigram", `${good}\n${"click here ".repeat(80)}`, "top_2_gram"],
  ])("gopher_repetition: %s → %s", (_, text, want) => {
    expect(reason(apply({ rule: "filter", kind: "gopher_repetition" }, text))).toBe(want);
  });

  test("gopher_repetition reports the repeated n-gram in its reason", () => {
    const v = apply({ rule: "filter", kind: "gopher_repetition" }, `${good}\n${"click here ".repeat(80)}`);
    expect(isDrop(v) && v.detail).toMatch(/^top 2-gram "click here" ×8\d covers 0\.\d+ of chars > 0\.2$/);
  });

  test("c4 removes javascript, policy, short and unpunctuated lines, then keeps the rest", () => {
    const text = `${good}\nPlease enable JavaScript to view this page.\nRead our privacy policy before you sign up today.\nMenu\nHome About Contact\nThe council will publish the minutes of the meeting on its website [1].`;
    expect(apply({ rule: "filter", kind: "c4" }, text)).toBe(`${good}\nThe council will publish the minutes of the meeting on its website .`);
  });

  test.each([
    ["lorem ipsum", `${good}\nLorem ipsum dolor sit amet, consectetur adipiscing elit.`, "lorem_ipsum"],
    ["code", `${good}\nSet the options to {debug: true} before you start the program.`, "curly_bracket"],
    ["too few sentences", "One short sentence here.", "too_few_sentences"],
  ])("c4 drops documents with %s", (_, text, want) => {
    expect(reason(apply({ rule: "filter", kind: "c4" }, text))).toBe(want);
  });

  test.each([
    ["a well-formed paragraph", good, "kept"],
    ["lines without punctuation", Array.from({ length: 10 }, (_, i) => `navigation menu entry number ${i} for the site`).join("\n"), "line_punct_ratio"],
    ["mostly short lines", `${good}\n${Array.from({ length: 20 }, (_, i) => `Short line ${i}.`).join("\n")}`, "short_line_ratio"],
    ["a duplicated line", `${good}\n${good.split("\n")[0]}`, "char_dup_ratio"],
  ])("fineweb: %s → %s", (_, text, want) => {
    expect(reason(apply({ rule: "filter", kind: "fineweb" }, text))).toBe(want);
  });

  test.each([
    ["langid", ["en"], good, "kept"],
    ["langid", ["en"], "El comité se reunió el martes para revisar los planes de la nueva biblioteca que el pueblo ha discutido durante años.", "es"],
    ["langid", ["eng"], good, "kept"],
    ["franc", ["en"], "Le comité s'est réuni mardi pour examiner les plans de la nouvelle bibliothèque dont la ville parle depuis des années.", "fra"],
    ["script", ["Latin"], "Комитет собрался во вторник, чтобы рассмотреть планы новой библиотеки.", "Cyrillic"],
    ["langid", ["en"], "ok", "undetermined"],
  ])("language by %s keeping %j → %s", (method, languages, text, want) => {
    expect(reason(apply({ rule: "filter", kind: "language", method, languages }, text))).toBe(want);
  });

  test.each([
    ["drop", "casino", "Visit our online casino now.", "matched"],
    ["drop", "casino", good, "kept"],
    ["keep", "library", good, "kept"],
    ["keep", "library", "Nothing relevant here.", "not_matched"],
  ])("regex action %s /%s/ → %s", (action, pattern, text, want) => {
    expect(reason(apply({ rule: "filter", kind: "regex", pattern, action }, text))).toBe(want);
  });
});

describe("pii", () => {
  test("Luhn accepts a valid card number and rejects a one-digit change", () => {
    expect(luhn("4111111111111111")).toBe(true);
    expect(luhn("4111111111111112")).toBe(false);
  });

  test("redacts emails, phones, IPv4, IPv6 and Luhn-valid cards with placeholders", () => {
    const text = "Mail jane.doe@example.com or call +1 (555) 123-4567. Server 192.168.1.20 and 2001:db8::ff00:42:8329. Card 4111 1111 1111 1111.";
    expect(apply({ rule: "pii" }, text)).toBe("Mail <EMAIL> or call <PHONE>. Server <IP> and <IP>. Card <CREDIT_CARD>.");
  });

  test.each([
    ["a Luhn-invalid card-like number", "Order 4111 1111 1111 1112 shipped."],
    ["years and prices", "In 1961 the fund grew by 2,500,000 dollars, up 12.5 percent."],
    ["a time of day", "The meeting starts at 10:30:15 sharp."],
    ["a version number with too few parts", "Upgrade to 1.2.3 today."],
  ])("leaves %s alone", (_, text) => {
    expect(apply({ rule: "pii" }, text)).toBe(text);
  });

  test("action drop removes the document and names the first match", () => {
    const v = apply({ rule: "pii", action: "drop" }, "Reach me at bob@example.org please.");
    expect(v).toEqual({ drop: "email", detail: 'contains 1 PII match(es), first a email at 12: "bob@example.org"' });
  });

  test("kinds limits what is redacted", () => {
    expect(redactPii("a@b.co 10.0.0.1", ["ip"]).text).toBe("a@b.co <IP>");
  });
});

describe("dedup and decontamination through the pipeline", () => {
  test("exact dedup keeps the first document and ignores case and whitespace edits", () => {
    const c = new Cleaner(resolveClean([{ rule: "dedup", method: "exact" }]));
    const kept = ["Hello   World.\nSecond line", "hello world. second LINE", "Different text"].map((text, i) => c.process({ id: `d${i}`, source: "t", text }));
    expect(kept.map((k) => k?.doc.id ?? null)).toEqual(["d0", null, "d2"]);
    expect(c.reports()[0]!.examples[0]!.reason).toBe("duplicate: same normalized text as d0");
  });

  test("chat documents are rewritten per message and judged on the whole conversation", () => {
    const c = new Cleaner(resolveClean([{ rule: "pii" }, { rule: "filter", kind: "length", min_chars: 20 }]));
    const r = c.process({ id: "c", source: "t", messages: [{ role: "user", content: "my mail is x@y.com" }, { role: "assistant", content: "noted" }] });
    expect(r?.doc.messages).toEqual([{ role: "user", content: "my mail is <EMAIL>" }, { role: "assistant", content: "noted" }]);
    expect(c.reports()[0]!.rewrites[0]).toEqual({ id: "c", reason: "rewritten, +0 bytes", excerpt: '"user: my mail is x@y.com\\nassistant: noted" → "user: my mail is <EMAIL>\\nassistant: noted"' });
  });

  test("the report counts removed docs and bytes per rule with reasons and at most 3 examples", () => {
    const c = new Cleaner(resolveClean([{ rule: "filter", kind: "length", min_chars: 5 }, { rule: "split", val: 0, test: 0 }]));
    for (let i = 0; i < 5; i++) c.process({ id: `s${i}`, source: "t", text: "ab" });
    c.process({ id: "long", source: "t", text: "long enough" });
    const [r] = c.reports();
    expect(r).toMatchObject({ rule: "0:filter/length", docs_in: 6, docs_removed: 5, bytes_removed: 10, reasons: { too_short: 5 } });
    expect(r!.examples.map((e) => e.reason)).toEqual(Array(3).fill("too_short: 2 chars < min_chars 5"));
    expect(c.splits.train).toEqual({ docs: 1, bytes: 11 });
  });
});
