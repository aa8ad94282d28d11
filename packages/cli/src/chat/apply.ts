// Carrying out a slash command on a session: what changed, as one short line for the screen or stderr, and whether
// to leave. Shared by the terminal screen and line mode so both say the same thing.
import { describeError } from "../errors.ts";
import { chatHelp, type ChatInput } from "./commands.ts";
import type { ChatSession } from "./session.ts";

export type ChatCommand = Exclude<ChatInput, { kind: "message" }>;

export interface CommandOutcome {
  /** What to show: "(history cleared)", the help, or an error. */
  readonly text: string;
  readonly error?: boolean;
  readonly quit?: boolean;
}

export async function applyCommand(session: ChatSession, cmd: ChatCommand): Promise<CommandOutcome> {
  try {
    switch (cmd.kind) {
      case "reset":
        session.reset();
        return { text: "(history cleared)" };
      case "temperature":
        if (cmd.value === undefined) return { text: `(temperature is ${session.temperature})` };
        session.temperature = cmd.value;
        return { text: `(temperature ${session.temperature}${session.temperature === 0 ? ": greedy" : ""})` };
      case "stage": {
        if (cmd.stage === undefined) return { text: `(chatting with ${session.stage}; the recipe's model stages are ${session.stages.join(", ")})` };
        const before = session.stage;
        await session.setStage(cmd.stage);
        return { text: session.stage === before ? `(already chatting with ${before})` : `(now chatting with ${session.stage}; the conversation is kept)` };
      }
      case "system":
        session.system = cmd.text;
        return { text: cmd.text ? "(system prompt set)" : "(system prompt removed)" };
      case "help":
        return { text: chatHelp() };
      case "quit":
        return { text: "", quit: true };
      case "invalid":
        return { text: cmd.message, error: true };
    }
  } catch (e) {
    return { text: describeError(e), error: true };
  }
}
