// The slash commands of `lathe chat` (the same in the terminal screen and in line mode): one table row per command,
// and a pure parser from a line of input to a message or a command. `//text` sends "/text" as a message.
import { closest } from "../args.ts";

export type ChatInput =
  | { readonly kind: "message"; readonly text: string }
  | { readonly kind: "reset" }
  /** Without a value: show the current temperature. */
  | { readonly kind: "temperature"; readonly value?: number }
  /** Without a stage: show the current stage and the others. */
  | { readonly kind: "stage"; readonly stage?: string }
  /** An empty text removes the system prompt. */
  | { readonly kind: "system"; readonly text: string }
  | { readonly kind: "help" }
  | { readonly kind: "quit" }
  /** A line starting with "/" that is no command, or a command with a bad argument. */
  | { readonly kind: "invalid"; readonly message: string };

interface SlashCommand {
  readonly name: string;
  readonly aliases?: readonly string[];
  /** Placeholder of its argument in /help. */
  readonly arg?: string;
  readonly help: string;
  parse(arg: string): ChatInput;
}

export const SLASH_COMMANDS: readonly SlashCommand[] = [
  { name: "reset", help: "forget the conversation (the system prompt stays)", parse: () => ({ kind: "reset" }) },
  {
    name: "temperature",
    arg: "t",
    help: "sampling temperature from the next reply on, 0 = greedy; without t, show it",
    parse: (arg) => {
      if (arg === "") return { kind: "temperature" };
      const value = Number(arg);
      if (!Number.isFinite(value) || value < 0 || !/^[0-9.eE+-]+$/.test(arg)) return { kind: "invalid", message: `/temperature takes a number >= 0, got "${arg}" (e.g. /temperature 0.7)` };
      return { kind: "temperature", value };
    },
  },
  {
    name: "stage",
    arg: "name",
    help: "chat with another model stage of the recipe (base, sft, dpo, rl, …); without a name, list them",
    parse: (arg) => (arg === "" ? { kind: "stage" } : /\s/.test(arg) ? { kind: "invalid", message: `/stage takes one stage name, got "${arg}"` } : { kind: "stage", stage: arg }),
  },
  { name: "system", arg: "text", help: "set the system prompt; without text, remove it", parse: (arg) => ({ kind: "system", text: arg }) },
  { name: "help", aliases: ["?"], help: "show these commands", parse: () => ({ kind: "help" }) },
  { name: "quit", aliases: ["exit", "q"], help: "leave the chat", parse: () => ({ kind: "quit" }) },
];

/** A line of input as a message or a slash command. Blank lines are messages with empty text (callers skip them). */
export function parseChatInput(line: string): ChatInput {
  const trimmed = line.trim();
  if (trimmed.startsWith("//")) return { kind: "message", text: trimmed.slice(1) };
  if (!trimmed.startsWith("/")) return { kind: "message", text: trimmed };
  const m = /^\/(\S*)\s*([\s\S]*)$/.exec(trimmed)!;
  const word = m[1]!.toLowerCase();
  const arg = m[2]!.trim();
  const cmd = SLASH_COMMANDS.find((c) => c.name === word || c.aliases?.includes(word));
  if (cmd) return cmd.parse(arg);
  const names = SLASH_COMMANDS.map((c) => c.name);
  const guess = word === "" ? undefined : closest(word, names);
  return {
    kind: "invalid",
    message: `unknown command "/${word}": ${guess ? `did you mean /${guess}? ` : ""}the commands are ${names.map((n) => `/${n}`).join(", ")} (start a message with // to send a literal "/")`,
  };
}

/** The /help text: one line per command. */
export function chatHelp(): string {
  const rows = SLASH_COMMANDS.map((c) => [`/${c.name}${c.arg ? ` <${c.arg}>` : ""}`, c.help] as const);
  const w = Math.max(...rows.map(([usage]) => usage.length));
  return [...rows.map(([usage, help]) => `  ${usage.padEnd(w)}  ${help}`), `  ${"//text".padEnd(w)}  send a message that starts with "/"`].join("\n");
}
