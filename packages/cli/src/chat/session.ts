// A conversation with a model stage, free of any UI: the system prompt, the user/assistant history, sampling settings,
// and the model. send() renders the conversation with the shared chat renderer (@lathe/tokenizer renderChat), first
// dropping the oldest user/assistant turns (never the system prompt) until the prompt plus max-tokens fits the
// model's context, then streams the reply's text as it is decoded. The terminal screen (ui/chat.tsx) and line mode
// (chat/lines.ts) both drive one of these.
import { chatSpecialIds, renderChat, type Tokenizer } from "@lathe/tokenizer";
import type { ChatGeneration, ChatModel } from "./model.ts";

export interface ChatTurn {
  readonly role: "user" | "assistant";
  readonly content: string;
}

/** A model stage opened for chatting: its name as the user types it ("base", "sft") and the model. */
export interface OpenedStage {
  readonly name: string;
  readonly model: ChatModel;
}

export interface ChatSettings {
  /** @default "" (none) */
  readonly system?: string;
  /** 0 = greedy. @default 0.7 */
  readonly temperature?: number;
  /** Reply length at most; a reply gets less when even the newest message alone leaves less room. @default half the context, at most 256 */
  readonly maxTokens?: number;
  /** @default 0 (all) */
  readonly topK?: number;
  /** @default 1 (off) */
  readonly topP?: number;
  /** Reply n (counting from 0 after open or reset) samples with seed + n, so a scripted chat repeats exactly. @default 1 */
  readonly seed?: number;
}

export interface ChatSessionOptions extends ChatSettings {
  readonly tokenizer: Tokenizer;
  /**
   * Opens a model stage by name; throws (a UsageError listing the stages) for one the recipe does not have. Given the
   * stage open now, it returns that one when `name` means the same stage ("base" and "train").
   */
  readonly openStage: (name: string, current?: OpenedStage) => Promise<OpenedStage>;
  /** The names of the stages openStage knows, for /stage without a name. @default [the first stage's name] */
  readonly stages?: readonly string[];
}

export interface ChatReply {
  readonly text: string;
  /** Oldest user/assistant turns dropped from the history to make room for this reply. */
  readonly dropped: number;
  readonly reason: ChatGeneration["reason"];
  readonly promptTokens: number;
  readonly replyTokens: number;
}

export interface SendOptions {
  /** Ends the reply where it is. */
  readonly signal?: AbortSignal;
  /** Called with the number of oldest turns dropped, before the reply starts (show droppedNotice). */
  readonly onDropped?: (dropped: number) => void;
}

/** A message that cannot be answered: what, and how to fix it. */
export class ChatError extends Error {
  override readonly name = "ChatError";
  constructor(
    readonly problem: string,
    readonly hint: string,
  ) {
    super(`${problem}. Hint: ${hint}`);
  }
}

/** The line shown when turns were dropped: "(dropped 2 oldest turns to fit the 64-token context)". */
export function droppedNotice(dropped: number, context: number): string {
  return `(dropped ${dropped} oldest turn${dropped === 1 ? "" : "s"} to fit the ${context}-token context)`;
}

export class ChatSession {
  private readonly tok: Tokenizer;
  private readonly openStage: ChatSessionOptions["openStage"];
  private readonly stopIds: number[];
  private current: OpenedStage;
  /** Every stage name openStage takes (base, sft, …). */
  readonly stages: readonly string[];
  private turns: ChatTurn[] = [];
  /** Tokens the model held at the end of the last reply; null once the conversation changed since. */
  private window: number | null = null;
  private replies = 0;
  private busy = false;
  private sys: string;
  private temp: number;
  readonly maxTokens: number;
  readonly topK: number;
  readonly topP: number;
  readonly seed: number;

  /** Opens `stage` and starts an empty conversation. */
  static async open(stage: string, o: ChatSessionOptions): Promise<ChatSession> {
    const ids = chatSpecialIds(o.tokenizer); // a ChatTokenError naming what a tokenizer without chat tokens lacks
    const opened = await o.openStage(stage);
    try {
      return new ChatSession(opened, o, [ids.end, ids.eot]);
    } catch (e) {
      await opened.model.close();
      throw e;
    }
  }

  private constructor(stage: OpenedStage, o: ChatSessionOptions, stopIds: number[]) {
    this.tok = o.tokenizer;
    this.openStage = o.openStage;
    this.current = stage;
    this.stages = o.stages ?? [stage.name];
    this.stopIds = stopIds;
    this.sys = o.system ?? "";
    this.temp = checkTemperature(o.temperature ?? 0.7);
    this.maxTokens = o.maxTokens ?? Math.max(1, Math.min(256, Math.floor(stage.model.context / 2)));
    if (!Number.isInteger(this.maxTokens) || this.maxTokens < 1) throw new ChatError(`max tokens is ${this.maxTokens}`, "give a whole number of at least 1, e.g. --max-tokens 64");
    this.topK = o.topK ?? 0;
    this.topP = o.topP ?? 1;
    this.seed = o.seed ?? 1;
  }

  /** The stage being chatted with ("base", "sft"). */
  get stage(): string {
    return this.current.name;
  }

  get context(): number {
    return this.current.model.context;
  }

  /** The system prompt ("" for none); a change applies from the next reply on. */
  get system(): string {
    return this.sys;
  }

  set system(text: string) {
    this.sys = text;
    this.window = null;
  }

  get temperature(): number {
    return this.temp;
  }

  set temperature(t: number) {
    this.temp = checkTemperature(t);
  }

  /** The conversation so far, oldest first (dropped turns are gone). */
  get history(): readonly ChatTurn[] {
    return this.turns;
  }

  /**
   * How full the context is, the status bar's "37/64": after a reply, the tokens the model held at its end (prompt,
   * reply and its <|end|>: at most the context); before one, the rendered conversation so far.
   */
  contextUsed(): number {
    return this.window ?? this.render(this.turns).ids.length;
  }

  /** Forget the conversation; the system prompt and settings stay, and reply seeds start over. */
  reset(): void {
    this.turns = [];
    this.window = null;
    this.replies = 0;
  }

  /** Switch to another model stage, keeping the conversation; the old model is closed once the new one is open. */
  async setStage(name: string): Promise<void> {
    if (this.busy) throw new ChatError("a reply is being generated", "wait for it (or cancel it) before switching stages");
    const next = await this.openStage(name, this.current);
    if (next === this.current) return;
    const old = this.current;
    this.current = next;
    this.window = null;
    await old.model.close();
  }

  /**
   * Answers `text`: drops the oldest turns until the prompt and max-tokens fit the context (telling onDropped before
   * the reply starts), streams each piece of the reply's text to onPiece (whole UTF-8 characters), and keeps both
   * messages in the history. An aborted signal ends the reply where it is; what was said so far stays in the history.
   */
  async send(text: string, onPiece: (piece: string) => void = () => {}, o: SendOptions = {}): Promise<ChatReply> {
    if (this.busy) throw new ChatError("a reply is already being generated", "wait for it to finish");
    this.busy = true;
    try {
      return await this.answer(text, onPiece, o);
    } finally {
      this.busy = false;
    }
  }

  private async answer(text: string, onPiece: (piece: string) => void, o: SendOptions): Promise<ChatReply> {
    const { model } = this.current;
    const T = model.context;
    let turns: ChatTurn[] = [...this.turns, { role: "user", content: text }];
    let prompt = this.render(turns).ids;
    let dropped = 0;
    // turns alternate user, assistant, …, user: the oldest pair goes first, the new message never.
    while (prompt.length + this.maxTokens > T && turns.length > 1) {
      turns = turns.slice(2);
      dropped++;
      prompt = this.render(turns).ids;
    }
    const room = Math.min(this.maxTokens, T - prompt.length);
    if (room < 1) {
      const sys = this.sys ? " and the system prompt" : "";
      throw new ChatError(`the message${sys} take${sys ? "" : "s"} ${prompt.length} tokens, leaving no room for a reply in the ${T}-token context`, `shorten the message${sys ? " or the system prompt (/system)" : ""}`);
    }
    if (dropped > 0) o.onDropped?.(dropped);
    const stream = this.tok.streamDecoder();
    let reply = "";
    const emit = (piece: string) => {
      if (!piece) return;
      reply += piece;
      onPiece(piece);
    };
    const g = await model.generate(
      prompt,
      { maxTokens: room, temperature: this.temp, topK: this.topK, topP: this.topP, seed: this.seed + this.replies, stop: this.stopIds },
      (id) => emit(stream.push(id)),
      o.signal,
    );
    emit(stream.flush());
    this.replies++;
    this.turns = [...turns, { role: "assistant", content: reply }];
    this.window = prompt.length + g.tokens.length + (g.reason === "stop" ? 1 : 0);
    return { text: reply, dropped, reason: g.reason, promptTokens: prompt.length, replyTokens: g.tokens.length };
  }

  private render(turns: readonly ChatTurn[]): { ids: number[] } {
    const messages = this.sys ? [{ role: "system" as const, content: this.sys }, ...turns] : [...turns];
    return renderChat(this.tok, messages, { addGenerationPrompt: true });
  }

  /** Closes the model. */
  close(): Promise<void> {
    return this.current.model.close();
  }
}

function checkTemperature(t: number): number {
  if (!Number.isFinite(t) || t < 0) throw new ChatError(`temperature is ${t}`, "give a number >= 0 (0 is greedy), e.g. 0.7");
  return t;
}
