// The server's chat template is @lathe/tokenizer's chat layout: the same text as renderChat, and (for content
// without special-token strings) the same ids once the engine tokenizes it. Run: bun test packages/serve/src/server
import { expect, test } from "bun:test";
import { byteTokenizer, DEFAULT_SPECIALS, renderChat } from "@lathe/tokenizer";
import { latheChatTemplate } from "./chat-template.ts";
import type { ChatMessage } from "./validate.ts";

test("the server's template renders what renderChat renders, developer read as system, with the generation prompt", () => {
  const tok = byteTokenizer(DEFAULT_SPECIALS);
  const messages: ChatMessage[] = [{ role: "developer", content: "Sé bref." }, { role: "user", content: "中文 🤖?" }, { role: "assistant", content: "好" }, { role: "user", content: "Encore" }];
  const want = renderChat(tok, messages, { addGenerationPrompt: true });
  expect(latheChatTemplate(messages)).toBe(want.text);
  expect([...tok.encode(latheChatTemplate(messages))]).toEqual(want.ids);
});
