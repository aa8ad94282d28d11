// renderChat: the layout, the loss mask token by token, the decode round trip, and the special-token errors.
// Run: bun test packages/tokenizer/src/chat
import { describe, expect, test } from "bun:test";
import { byteTokenizer } from "../build.ts";
import { ChatTokenError } from "../errors.ts";
import { EOT } from "../presets.ts";
import { CASES, TOKENIZERS } from "./chat.case.ts";
import { chatSpecialIds, renderChat, renderChatText } from "./render.ts";

describe("renderChat", () => {
  test.each(CASES)("%s: ids are <|endoftext|>, then <|role|> content <|end|> per message", (_, tok, messages, gen) => {
    const s = chatSpecialIds(tok);
    const want: number[] = [s.eot];
    for (const m of messages) {
      const role = m.role === "developer" ? "system" : m.role;
      want.push(tok.specialId(`<|${role}|>`)!, ...tok.encode(m.content, { specials: "none" }), s.end);
    }
    if (gen) want.push(s.assistant);
    expect(renderChat(tok, messages, { addGenerationPrompt: gen }).ids).toEqual(want);
  });

  test.each(CASES)("%s: the mask is 1 exactly on each assistant turn's content tokens and its <|end|>", (_, tok, messages, gen) => {
    const { ids, mask } = renderChat(tok, messages, { addGenerationPrompt: gen });
    expect(mask.length).toBe(ids.length);
    const runs: string[] = [];
    for (let i = 0; i < ids.length; ) {
      if (mask[i] === 0) {
        i++;
        continue;
      }
      const start = i;
      while (i < ids.length && mask[i] === 1) i++;
      runs.push(tok.decode(ids.slice(start, i)));
      expect(ids[start - 1]).toBe(chatSpecialIds(tok).assistant); // each run follows <|assistant|>
    }
    expect(runs).toEqual(messages.filter((m) => m.role === "assistant").map((m) => `${m.content}<|end|>`));
    const onTokens = messages.filter((m) => m.role === "assistant").reduce((n, m) => n + tok.encode(m.content, { specials: "none" }).length + 1, 0);
    expect(mask.reduce((a, b) => a + b, 0)).toBe(onTokens);
  });

  test.each(CASES)("%s: decode(ids) gives back text", (_, tok, messages, gen) => {
    const r = renderChat(tok, messages, { addGenerationPrompt: gen });
    expect(tok.decode(r.ids)).toBe(r.text);
    expect(r.text).toBe(renderChatText(messages, { addGenerationPrompt: gen }));
  });

  test("text writes the special tokens out, reads developer as system and ends with <|assistant|> when asked", () => {
    const messages = [{ role: "developer", content: "Sé breve." }, { role: "user", content: "¿Hola?" }];
    expect(renderChatText(messages)).toBe("<|endoftext|><|system|>Sé breve.<|end|><|user|>¿Hola?<|end|>");
    expect(renderChatText(messages, { addGenerationPrompt: true })).toBe("<|endoftext|><|system|>Sé breve.<|end|><|user|>¿Hola?<|end|><|assistant|>");
  });

  test.each(TOKENIZERS)("%s: a literal <|end|> or <|endoftext|> in content is text, never the special token", (_, tok) => {
    const s = chatSpecialIds(tok);
    const messages = [{ role: "user", content: "say <|end|>" }, { role: "assistant", content: "<|end|><|endoftext|><|user|>" }];
    const r = renderChat(tok, messages);
    expect(r.ids.filter((id) => id === s.end)).toHaveLength(2);
    expect(r.ids.filter((id) => id === s.eot || id === s.user)).toEqual([s.eot, s.user]);
    expect(tok.decode(r.ids)).toBe(r.text);
  });

  test("an empty conversation is the lone <|endoftext|>, masked out", () => {
    const tok = TOKENIZERS[0]![1];
    expect(renderChat(tok, [])).toEqual({ ids: [tok.specialId(EOT)!], mask: new Uint8Array([0]), text: EOT });
  });

  test("a role without a reserved <|role|> token is an error naming the token and the message", () => {
    const tok = TOKENIZERS[0]![1];
    const render = () => renderChat(tok, [{ role: "user", content: "hi" }, { role: "tool", content: "42" }]);
    expect(render).toThrow(ChatTokenError);
    expect(render).toThrow(
      'the tokenizer lacks the special token "<|tool|>", needed for messages[1].role "tool". Hint: chat rendering needs <|endoftext|> <|system|> <|user|> <|assistant|> <|end|> in tokenizer.special_tokens (the default); add the missing ones and rebuild the tokenizer',
    );
  });
});

describe("chatSpecialIds", () => {
  test("gives the ids of the five chat tokens", () => {
    const tok = TOKENIZERS[0]![1];
    expect(chatSpecialIds(tok)).toEqual({ eot: 256, system: 257, user: 258, assistant: 259, end: 260 });
  });

  test("a tokenizer without chat tokens is an error naming every missing one", () => {
    const get = () => chatSpecialIds(byteTokenizer([EOT, "<|user|>"]));
    expect(get).toThrow(ChatTokenError);
    expect(get).toThrow('the tokenizer lacks the special tokens "<|end|>", "<|system|>", "<|assistant|>", needed for chat. Hint:');
    try {
      get();
    } catch (e) {
      expect((e as ChatTokenError).missing).toEqual(["<|end|>", "<|system|>", "<|assistant|>"]);
    }
  });
});
