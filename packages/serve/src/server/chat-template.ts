// The chat template of models trained on Lathe's chat documents: the same layout the pack stage writes
// (<|endoftext|>, then <|role|>content<|end|> per message), ending with <|assistant|> for the model to continue.
// Generation ends at <|end|> (one of the host engine's end tokens).
import type { ChatMessage } from "./validate.ts";

export function latheChatTemplate(messages: readonly ChatMessage[]): string {
  const role = (r: ChatMessage["role"]) => (r === "developer" ? "system" : r);
  return `<|endoftext|>${messages.map((m) => `<|${role(m.role)}|>${m.content}<|end|>`).join("")}<|assistant|>`;
}
