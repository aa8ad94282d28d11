// CHAT_TEMPLATE rendered by @huggingface/jinja equals renderChat's text, and that text encoded with specials on
// (by Lathe, and by @huggingface/tokenizers from the exported tokenizer.json) gives renderChat's ids.
// Run: bun test packages/tokenizer/src/chat
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Template } from "@huggingface/jinja";
import { Tokenizer as HfTokenizer } from "@huggingface/tokenizers";
import { byteTokenizer } from "../build.ts";
import { exportHfTokenizer } from "../formats/hf.ts";
import { EOT } from "../presets.ts";
import { CASES } from "./chat.case.ts";
import { renderChat } from "./render.ts";
import { CHAT_TEMPLATE, hfTokenizerConfig, writeHfTokenizerConfig } from "./template.ts";

const template = new Template(CHAT_TEMPLATE);
const jinja = (messages: readonly object[], gen: boolean) => template.render({ messages, add_generation_prompt: gen, bos_token: EOT, eos_token: "<|end|>" });

describe("CHAT_TEMPLATE", () => {
  test.each(CASES)("%s: the Jinja template renders renderChat's text", (_, tok, messages, gen) => {
    expect(jinja(messages, gen)).toBe(renderChat(tok, messages, { addGenerationPrompt: gen }).text);
  });

  test.each(CASES)("%s: the rendered string encoded with specials on gives renderChat's ids", (_, tok, messages, gen) => {
    const { ids } = renderChat(tok, messages, { addGenerationPrompt: gen });
    expect([...tok.encode(jinja(messages, gen))]).toEqual(ids);
  });

  test.each(CASES)("%s: @huggingface/tokenizers encodes the rendered string from the exported tokenizer.json to renderChat's ids", (_, tok, messages, gen) => {
    const hf = new HfTokenizer(exportHfTokenizer(tok) as never, hfTokenizerConfig(exportHfTokenizer(tok)) as never);
    const { ids, text } = renderChat(tok, messages, { addGenerationPrompt: gen });
    expect(hf.encode(jinja(messages, gen), { add_special_tokens: false } as never).ids).toEqual(ids);
    expect(hf.decode(ids)).toBe(text);
  });

  test("without add_generation_prompt the template ends at the last <|end|>", () => {
    expect(template.render({ messages: [{ role: "user", content: "é" }], bos_token: EOT })).toBe("<|endoftext|><|user|>é<|end|>");
  });
});

describe("tokenizer_config.json", () => {
  test("a chat tokenizer's config has the template, <|endoftext|> as bos, <|end|> as eos, and its specials", () => {
    const cfg = hfTokenizerConfig(exportHfTokenizer(byteTokenizer([EOT, "<|system|>", "<|user|>", "<|assistant|>", "<|end|>"])), { modelMaxLength: 1024 });
    expect(cfg).toMatchObject({ tokenizer_class: "PreTrainedTokenizerFast", bos_token: EOT, eos_token: "<|end|>", model_max_length: 1024, chat_template: CHAT_TEMPLATE });
    expect(Object.keys(cfg.added_tokens_decoder as object)).toEqual(["256", "257", "258", "259", "260"]);
    expect((cfg.added_tokens_decoder as Record<string, unknown>)["260"]).toEqual({ content: "<|end|>", lstrip: false, normalized: false, rstrip: false, single_word: false, special: true });
  });

  test("a tokenizer without the chat tokens gets no chat template and <|endoftext|> as eos", () => {
    const cfg = hfTokenizerConfig(exportHfTokenizer(byteTokenizer([EOT])));
    expect(cfg.chat_template).toBeUndefined();
    expect(cfg.eos_token).toBe(EOT);
    expect(cfg.model_max_length).toBeUndefined();
  });

  test("writeHfTokenizerConfig writes tokenizer_config.json into the folder", () => {
    const dir = mkdtempSync(join(tmpdir(), "lathe-chat-"));
    const path = writeHfTokenizerConfig(dir, exportHfTokenizer(byteTokenizer([EOT, "<|system|>", "<|user|>", "<|assistant|>", "<|end|>"])), { modelMaxLength: 64 });
    expect(path).toBe(join(dir, "tokenizer_config.json"));
    const cfg = JSON.parse(readFileSync(path, "utf8"));
    expect(cfg.chat_template).toBe(CHAT_TEMPLATE);
    expect(cfg.model_max_length).toBe(64);
  });
});
