// The one chat layout, shared by training (pack, fine-tuning), evaluation, `lathe chat` and the server:
//   <|endoftext|> <|role|> content <|end|> <|role|> content <|end|> ... [<|assistant|>]
// Content is encoded with specials off, so a literal "<|end|>" in a message is text, never the special token.
// The loss mask is 1 exactly on the assistant's content tokens and their closing <|end|>.
import { ChatTokenError } from "../errors.ts";
import { IdBuffer } from "../ids.ts";
import { EOT } from "../presets.ts";
import type { Tokenizer } from "../tokenizer.ts";

export type ChatRole = "system" | "user" | "assistant";

/** A validated chat message (what the fine-tuning readers produce). */
export interface ChatMessage {
  readonly role: ChatRole;
  readonly content: string;
}

/**
 * A message renderChat accepts: a chat role, an alias (OpenAI's "developer" is read as "system"), or any other
 * role whose `<|role|>` token the tokenizer reserves (the pack stage renders whatever roles the data holds).
 */
export interface ChatInput {
  readonly role: string;
  readonly content: string;
}

export interface RenderChatOptions {
  /**
   * End with `<|assistant|>`, the prompt for the model to write the next assistant turn.
   * @default false
   */
  readonly addGenerationPrompt?: boolean;
}

export interface RenderedChat {
  readonly ids: number[];
  /** (ids.length) 1 on assistant content tokens and their <|end|>, 0 elsewhere. */
  readonly mask: Uint8Array;
  /** The same conversation as a string, special tokens written out; decode(ids) === text. */
  readonly text: string;
}

export const CHAT_ROLES: readonly ChatRole[] = ["system", "user", "assistant"];

/** Role names read as another role. The only place this mapping lives (the Jinja template is generated from it). */
export const ROLE_ALIASES: ReadonlyMap<string, ChatRole> = new Map([["developer", "system"]]);

/** The turn terminator; generation stops at it. */
export const END = "<|end|>";

/** The role a message renders as: its alias target, else itself. */
export function chatRole(role: string): string {
  return ROLE_ALIASES.get(role) ?? role;
}

/** The special token that opens a message of this role. */
export function roleToken(role: string): string {
  return `<|${chatRole(role)}|>`;
}

/** The string form of a conversation (what the Jinja CHAT_TEMPLATE renders, and what the server tokenizes). */
export function renderChatText(messages: readonly ChatInput[], opts: RenderChatOptions = {}): string {
  let s = EOT;
  for (const m of messages) s += `${roleToken(m.role)}${m.content}${END}`;
  return opts.addGenerationPrompt ? `${s}<|assistant|>` : s;
}

export interface ChatSpecialIds {
  readonly eot: number;
  readonly end: number;
  readonly system: number;
  readonly user: number;
  readonly assistant: number;
}

/** The ids of the chat special tokens; throws ChatTokenError naming every one the tokenizer lacks. */
export function chatSpecialIds(tok: Tokenizer): ChatSpecialIds {
  const want = { eot: EOT, end: END, system: "<|system|>", user: "<|user|>", assistant: "<|assistant|>" };
  const missing = Object.values(want).filter((s) => tok.specialId(s) === undefined);
  if (missing.length) throw new ChatTokenError(missing, "chat");
  const id = (s: string) => tok.specialId(s)!;
  return { eot: id(want.eot), end: id(want.end), system: id(want.system), user: id(want.user), assistant: id(want.assistant) };
}

/** Token ids, loss mask and text of a conversation. Throws ChatTokenError when a needed special is missing. */
export function renderChat(tok: Tokenizer, messages: readonly ChatInput[], opts: RenderChatOptions = {}): RenderedChat {
  const special = (content: string, where: string, turn: number | null = null) => {
    const id = tok.specialId(content);
    if (id === undefined) throw new ChatTokenError([content], where, turn);
    return id;
  };
  const ids = new IdBuffer(256);
  ids.push(special(EOT, "the start of a conversation"));
  const end = messages.length > 0 ? special(END, "the end of each message") : -1;
  const spans: [number, number][] = []; // [start, end) of each assistant content + <|end|>
  messages.forEach((m, k) => {
    ids.push(special(roleToken(m.role), `messages[${k}].role ${JSON.stringify(m.role)}`, k));
    const start = ids.length;
    tok.encodeInto(m.content, ids, { specials: "none" });
    ids.push(end);
    if (chatRole(m.role) === "assistant") spans.push([start, ids.length]);
  });
  if (opts.addGenerationPrompt) ids.push(special("<|assistant|>", "the generation prompt"));
  const mask = new Uint8Array(ids.length);
  for (const [a, b] of spans) mask.fill(1, a, b);
  return { ids: Array.from(ids.data.subarray(0, ids.length)), mask, text: renderChatText(messages, opts) };
}
