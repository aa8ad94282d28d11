// The chat template of models trained on Lathe's chat documents: @lathe/tokenizer's one chat layout (renderChatText,
// the text of renderChat, which also reads "developer" as "system"), ending with <|assistant|> for the model to
// continue. Generation ends at <|end|> (one of the host engine's end tokens).
import { renderChatText } from "@lathe/tokenizer";
import type { ChatMessage } from "./validate.ts";

export function latheChatTemplate(messages: readonly ChatMessage[]): string {
  return renderChatText(messages, { addGenerationPrompt: true });
}
