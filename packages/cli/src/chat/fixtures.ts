// Test fixtures for the chat: a byte tokenizer with the chat specials, a tiny random-init GPT written as a model
// stage's outDir (its vocabulary the tokenizer's), and a scripted ChatModel that records what it was asked.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getDevice } from "@lathe/gpu";
import { buildModel, resolveModelConfig, writeSafetensors, type TensorMap } from "@lathe/model";
import { byteTokenizer, DEFAULT_SPECIALS, type Tokenizer } from "@lathe/tokenizer";
import type { ChatGenerateOptions, ChatModel } from "./model.ts";

/** Bytes 0..255, then <|endoftext|> <|system|> <|user|> <|assistant|> <|end|>: 261 ids. */
export function chatTokenizer(): Tokenizer {
  return byteTokenizer(DEFAULT_SPECIALS);
}

export const TINY_CONTEXT = 64;

/** A 1-layer model section: a GPT (the batched decoder's kind) or a GRU (no batched decoder). */
export const TINY_GPT = { kind: "gpt", n_layer: 1, n_head: 2, d_model: 16, context: TINY_CONTEXT, init_std: 0.3 };
export const TINY_RNN = { kind: "rnn", cell: "gru", n_layer: 1, hidden: 8, context: TINY_CONTEXT };

/** A randomly initialized model over chatTokenizer's ids, written as a model stage's outDir in a fresh temp dir. */
export async function tinyModelDir(seed = 3, section: Record<string, unknown> = TINY_GPT): Promise<string> {
  const cfg = resolveModelConfig(section, chatTokenizer().vocabSize);
  const model = buildModel(await getDevice({ backend: "cpu" }), cfg, seed);
  const tensors: TensorMap = new Map();
  for (const p of model.params.list) tensors.set(p.name, { data: (await p.tensor.read()) as Float32Array, shape: p.shape });
  const dir = mkdtempSync(join(tmpdir(), "lathe-chat-"));
  writeFileSync(join(dir, "config.json"), JSON.stringify(cfg));
  writeSafetensors(join(dir, "model.safetensors"), tensors);
  return dir;
}

export interface ScriptedModel extends ChatModel {
  /** Every generate call's prompt and options, in order. */
  readonly calls: { prompt: number[]; o: ChatGenerateOptions }[];
  closed: boolean;
}

/** A model that answers every prompt with `reply`'s ids (cut at maxTokens), then the first stop id. */
export function scriptedModel(tok: Tokenizer, reply: string, context = TINY_CONTEXT): ScriptedModel {
  const m: ScriptedModel = {
    context,
    vocabSize: tok.vocabSize,
    calls: [],
    closed: false,
    async generate(prompt, o, onToken) {
      m.calls.push({ prompt: [...prompt], o });
      const ids = [...tok.encode(reply)].slice(0, o.maxTokens);
      for (const id of ids) onToken(id);
      return { tokens: ids, reason: ids.length < o.maxTokens ? "stop" : "length" };
    },
    async close() {
      m.closed = true;
    },
  };
  return m;
}
