// The fine-tuning data readers: each accepted layout, each bad-input rule counted with its example, the report's
// text, and ChatDataError only when nothing usable is left. Run: bun test packages/tokenizer/src/chat
import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { byteTokenizer } from "../build.ts";
import { ChatDataError } from "../errors.ts";
import { DEFAULT_SPECIALS } from "../presets.ts";
import { type ChatExpect, parseChatLines, readChatData } from "./data.ts";
import { formatChatReport } from "./report.ts";

const j = (o: unknown) => JSON.stringify(o);
const GOOD: Record<ChatExpect, string> = {
  sft: j({ messages: [{ role: "user", content: "Hi" }, { role: "assistant", content: "Hello!" }] }),
  preference: j({ prompt: "Hi", chosen: "Hello!", rejected: "Go away." }),
  prompts: j({ prompt: "2+2?", answers: ["4"] }),
};

describe("parseChatLines", () => {
  test("each layout reads into its record, prompt strings as one user message and developer as system", () => {
    const sft = parseChatLines(
      [
        j({ messages: [{ role: "developer", content: "Sé breve." }, { role: "user", content: "中文?" }, { role: "assistant", content: "好 🤖" }] }),
        j({ prompt: "Hi", completion: "Hello!" }),
        j({ prompt: [{ role: "system", content: "" }, { role: "user", content: "Hi" }], completion: "Yo" }),
      ],
      "t.jsonl",
      { expect: "sft" },
    );
    expect(sft.records).toEqual([
      { kind: "sft", messages: [{ role: "system", content: "Sé breve." }, { role: "user", content: "中文?" }, { role: "assistant", content: "好 🤖" }] },
      { kind: "sft", messages: [{ role: "user", content: "Hi" }, { role: "assistant", content: "Hello!" }] },
      { kind: "sft", messages: [{ role: "system", content: "" }, { role: "user", content: "Hi" }, { role: "assistant", content: "Yo" }] },
    ]);
    expect(sft.report).toEqual({ read: 3, kept: 3, dropped: {} });

    const pref = parseChatLines([GOOD.preference, j({ prompt: [{ role: "user", content: "a" }, { role: "assistant", content: "b" }, { role: "user", content: "c" }], chosen: "d", rejected: "e" })], "p.jsonl", { expect: "preference" });
    expect(pref.records).toEqual([
      { kind: "preference", prompt: [{ role: "user", content: "Hi" }], chosen: "Hello!", rejected: "Go away." },
      { kind: "preference", prompt: [{ role: "user", content: "a" }, { role: "assistant", content: "b" }, { role: "user", content: "c" }], chosen: "d", rejected: "e" },
    ]);

    const rl = parseChatLines([GOOD.prompts, j({ prompt: [{ role: "user", content: "Name a prime." }], answers: ["2", "3"] })], "r.jsonl", { expect: "prompts" });
    expect(rl.records).toEqual([
      { kind: "prompt", prompt: [{ role: "user", content: "2+2?" }], answers: ["4"] },
      { kind: "prompt", prompt: [{ role: "user", content: "Name a prime." }], answers: ["2", "3"] },
    ]);
  });

  const tok = byteTokenizer(DEFAULT_SPECIALS);
  test.each([
    ["bad_json", "sft", '{"messages": [', "not valid JSON"],
    ["bad_json", "sft", "[1, 2]", "a list, not a JSON object"],
    ["missing_field", "sft", j({ text: "hello" }), 'no "messages" (or "prompt" and "completion") for sft data; it has "text"'],
    ["missing_field", "sft", GOOD.preference, 'no "messages" (or "prompt" and "completion") for sft data; this line looks like preference data'],
    ["missing_field", "preference", j({ prompt: "Hi", chosen: "Hello!" }), 'no "rejected" for preference data; it has "prompt", "chosen"'],
    ["missing_field", "prompts", GOOD.sft, 'no "prompt", "answers" for prompts data; this line looks like sft data'],
    ["missing_field", "prompts", j({ prompt: "Hi", answers: "4" }), '"answers" is a string ("4"); expected a list of strings'],
    ["missing_field", "sft", j({ messages: [{ role: "user" }] }), 'messages[0] is an object; expected {"role": string, "content": string}'],
    ["missing_field", "preference", j({ prompt: 3, chosen: "a", rejected: "b" }), '"prompt" is a number (3); expected a string or a list of {"role", "content"}'],
    ["unknown_role", "sft", j({ messages: [{ role: "user", content: "Hi" }, { role: "tool", content: "42" }] }), 'messages[1].role is "tool"; roles are system, user, assistant (developer is read as system)'],
    ["empty_content", "sft", j({ messages: [{ role: "user", content: "Hi" }, { role: "assistant", content: "  " }] }), "messages[1].content is empty"],
    ["empty_content", "sft", j({ prompt: "Hi", completion: "" }), "completion is empty"],
    ["empty_content", "sft", j({ messages: [] }), '"messages" is an empty list'],
    ["empty_content", "preference", j({ prompt: "", chosen: "a", rejected: "b" }), "prompt is empty"],
    ["empty_content", "prompts", j({ prompt: "Hi", answers: ["4", ""] }), "answers[1] is empty"],
    ["no_assistant", "sft", j({ messages: [{ role: "system", content: "Be nice." }, { role: "user", content: "Hi" }] }), "no assistant turn (roles: system, user)"],
    ["chosen_equals_rejected", "preference", j({ prompt: "Hi", chosen: "Hello!", rejected: "Hello! " }), "chosen and rejected are the same text"],
    ["too_long", "sft", j({ messages: [{ role: "user", content: "Hi" }, { role: "assistant", content: "x".repeat(40) }] }), "renders to 47 tokens; the limit is 32"],
    ["too_long", "preference", j({ prompt: "Hi", chosen: "x".repeat(40), rejected: "no" }), "renders to 47 tokens (with the longer response); the limit is 32"],
    ["too_long", "prompts", j({ prompt: "x".repeat(40), answers: [] }), "renders to 44 tokens; the limit is 32"],
  ] as const)("%s (%s) is counted with the line as its example: %s", (rule, expect_, line, detail) => {
    const { records, report } = parseChatLines([GOOD[expect_], "", line], "t.jsonl", { expect: expect_, tokenizer: tok, context: 32 });
    expect(records).toHaveLength(1);
    expect(report).toEqual({ read: 2, kept: 1, dropped: { [rule]: { count: 1, examples: [{ where: "t.jsonl:3", value: line, detail }] } } });
  });

  test("examples stop at the limit while the count goes on, and long lines are cut", () => {
    const bad = Array.from({ length: 5 }, (_, i) => j({ messages: [{ role: "user", content: `${i}`.repeat(200) }] }));
    const { report } = parseChatLines([GOOD.sft, ...bad], "t.jsonl", { expect: "sft" });
    const r = report.dropped.no_assistant!;
    expect(r.count).toBe(5);
    expect(r.examples.map((e) => e.where)).toEqual(["t.jsonl:2", "t.jsonl:3", "t.jsonl:4"]);
    expect(r.examples[0]!.value).toBe(`${bad[0]!.slice(0, 120)}…`);
    expect(parseChatLines([GOOD.sft, ...bad], "t.jsonl", { expect: "sft", examples: 1 }).report.dropped.no_assistant!.examples).toHaveLength(1);
  });

  test("without a tokenizer and context nothing is too long", () => {
    const line = j({ prompt: "x".repeat(1000), answers: ["x"] });
    expect(parseChatLines([line], "t.jsonl", { expect: "prompts", context: 8 }).report.kept).toBe(1);
  });

  test("ChatDataError is thrown only when nothing is left, naming each rule with an example and a hint", () => {
    expect(() => parseChatLines([GOOD.sft, "nope"], "t.jsonl", { expect: "sft" })).not.toThrow();
    const lines = [GOOD.preference, GOOD.preference, "nope", j({ messages: [{ role: "user", content: "Hi" }] })];
    const read = () => parseChatLines(lines, "t.jsonl", { expect: "sft" });
    expect(read).toThrow(ChatDataError);
    expect(read).toThrow(
      "no usable sft conversations in t.jsonl: all 4 lines were dropped: " +
        'missing_field 2 (e.g. t.jsonl:1: no "messages" (or "prompt" and "completion") for sft data; this line looks like preference data); ' +
        "bad_json 1 (e.g. t.jsonl:3: not valid JSON); " +
        "no_assistant 1 (e.g. t.jsonl:4: no assistant turn (roles: user)). " +
        'Hint: use the layout this stage reads; sft lines look like {"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]} or {"prompt":"Hi","completion":"Hello!"}',
    );
    try {
      read();
    } catch (e) {
      const err = e as ChatDataError;
      expect([err.file, err.expect, err.report.read, err.report.kept]).toEqual(["t.jsonl", "sft", 4, 0]);
    }
  });

  test("a source without lines is a ChatDataError that shows the layout", () => {
    expect(() => parseChatLines(["", " "], "t.jsonl", { expect: "prompts" })).toThrow(
      'no rl prompts in t.jsonl: it has no lines. Hint: write one JSON object per line; prompts lines look like {"prompt":"What is 2+2?","answers":["4"]}',
    );
  });
});

describe("readChatData", () => {
  test("reads a JSONL file (byte-order mark and CRLF line ends allowed) with file:line examples", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lathe-chat-"));
    const path = join(dir, "pairs.jsonl");
    writeFileSync(path, `\uFEFF${GOOD.preference}\r\n${j({ prompt: "Hi", chosen: "a", rejected: "a" })}\r\n`);
    const { records, report } = await readChatData(path, { expect: "preference" });
    expect(records).toHaveLength(1);
    expect(report.dropped.chosen_equals_rejected!.examples[0]!.where).toBe(`${path}:2`);
  });

  test("a missing file is a ChatDataError with the path", async () => {
    const path = join(tmpdir(), "lathe-no-such-file.jsonl");
    await expect(readChatData(path, { expect: "sft" })).rejects.toThrow(ChatDataError);
    await expect(readChatData(path, { expect: "sft" })).rejects.toThrow(`cannot read sft conversations from ${path}: ENOENT`);
  });
});

describe("formatChatReport", () => {
  test("lists the counts, then each rule with its examples, like the clean stage's report", () => {
    const { report } = parseChatLines([GOOD.sft, GOOD.sft, "{", j({ messages: [{ role: "bot", content: "x" }] })], "t.jsonl", { expect: "sft" });
    expect(formatChatReport(report)).toEqual([
      "chat data: read 4 lines, kept 2 (50.0%), dropped 2",
      "  bad_json                        1",
      "      - t.jsonl:3: not valid JSON",
      "        {",
      "  unknown_role                    1",
      '      - t.jsonl:4: messages[0].role is "bot"; roles are system, user, assistant (developer is read as system)',
      '        {"messages":[{"role":"bot","content":"x"}]}',
    ]);
  });
});
