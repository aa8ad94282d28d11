// Slash commands of `lathe chat`: each parses to its command with its argument, bad arguments and unknown commands
// say what is wrong, and anything else is a message.
import { expect, test } from "bun:test";
import { chatHelp, parseChatInput, SLASH_COMMANDS } from "./commands.ts";

test.each([
  ["What does lathe mean?", { kind: "message", text: "What does lathe mean?" }],
  ["  spaces around  ", { kind: "message", text: "spaces around" }],
  ["", { kind: "message", text: "" }],
  ["1/2 is a half", { kind: "message", text: "1/2 is a half" }],
  ["//etc/hosts is a file", { kind: "message", text: "/etc/hosts is a file" }],
  ["/reset", { kind: "reset" }],
  ["/RESET", { kind: "reset" }],
  ["/temperature 0.7", { kind: "temperature", value: 0.7 }],
  ["/temperature 0", { kind: "temperature", value: 0 }],
  ["/temperature", { kind: "temperature" }],
  ["/stage sft", { kind: "stage", stage: "sft" }],
  ["/stage", { kind: "stage" }],
  ["/system You are a terse assistant.", { kind: "system", text: "You are a terse assistant." }],
  ["/system", { kind: "system", text: "" }],
  ["/help", { kind: "help" }],
  ["/?", { kind: "help" }],
  ["/quit", { kind: "quit" }],
  ["/exit", { kind: "quit" }],
].map(([line, parsed]) => [line, (parsed as { kind: string }).kind, parsed] as const))("%p parses as a %s", (line, _kind, parsed) => {
  expect(parseChatInput(line as string)).toEqual(parsed as ReturnType<typeof parseChatInput>);
});

test.each([
  ["/temperature hot", '/temperature takes a number >= 0, got "hot" (e.g. /temperature 0.7)'],
  ["/temperature -1", '/temperature takes a number >= 0, got "-1" (e.g. /temperature 0.7)'],
  ["/temperature 0x10", '/temperature takes a number >= 0, got "0x10" (e.g. /temperature 0.7)'],
  ["/stage sft dpo", '/stage takes one stage name, got "sft dpo"'],
  ["/rest", 'unknown command "/rest": did you mean /reset? the commands are /reset, /temperature, /stage, /system, /help, /quit (start a message with // to send a literal "/")'],
  ["/", 'unknown command "/": the commands are /reset, /temperature, /stage, /system, /help, /quit (start a message with // to send a literal "/")'],
])("%p is invalid: %s", (line, message) => {
  expect(parseChatInput(line)).toEqual({ kind: "invalid", message });
});

test("/help lists every command with its argument, one per line", () => {
  const help = chatHelp().split("\n");
  expect(help).toHaveLength(SLASH_COMMANDS.length + 1);
  expect(help[1]).toBe("  /temperature <t>  sampling temperature from the next reply on, 0 = greedy; without t, show it");
  expect(help.at(-1)).toBe('  //text            send a message that starts with "/"');
});
