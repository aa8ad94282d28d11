// What a chat session generates with: a model stage's weights behind one small interface. gpt models decode on the
// batched decoder (@lathe/model loadDecoder, one sequence, KV cache); rnn and hybrid models, which have no batched
// decoder, through their scorer's generate (a full forward per token: slower, the same sampling).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadDecoder, loadScorer } from "@lathe/model";

export interface ChatGenerateOptions {
  readonly maxTokens: number;
  /** 0 = greedy. */
  readonly temperature: number;
  /** 0 = all. */
  readonly topK: number;
  /** 1 = off. */
  readonly topP: number;
  readonly seed: number;
  /** Ids that end the reply (<|end|>, <|endoftext|>); the one drawn is not passed to onToken. */
  readonly stop: readonly number[];
}

export interface ChatGeneration {
  /** The reply's ids, without the stop id. */
  readonly tokens: readonly number[];
  /** "stop" at a stop id, "length" at maxTokens, "context" when the context is full, "cancelled" by the signal. */
  readonly reason: "stop" | "length" | "context" | "cancelled";
}

export interface ChatModel {
  /** T: prompt and reply together fit in it. */
  readonly context: number;
  readonly vocabSize: number;
  /** Continues the prompt (≤ context ids), calling onToken with each id as it is drawn. */
  generate(prompt: readonly number[], o: ChatGenerateOptions, onToken: (id: number) => void, signal?: AbortSignal): Promise<ChatGeneration>;
  close(): Promise<void>;
}

export interface OpenChatModelOptions {
  /** A model stage's outDir: model.safetensors + config.json (train, sft, dpo, rl all write this layout). */
  readonly trainDir: string;
  /** Id of <|endoftext|>; -1 when the tokenizer has none. */
  readonly eot: number;
  /** @default "auto" (WebGPU when an adapter exists, else the CPU reference ops) */
  readonly backend?: "auto" | "webgpu" | "cpu";
}

export async function openChatModel(o: OpenChatModelOptions): Promise<ChatModel> {
  const cfg = JSON.parse(readFileSync(join(o.trainDir, "config.json"), "utf8")) as { kind?: string };
  return cfg.kind === "gpt" ? decoderModel(o) : scorerModel(o);
}

async function decoderModel(o: OpenChatModelOptions): Promise<ChatModel> {
  // One sequence; the pool holds one full context.
  const decoder = await loadDecoder({ trainDir: o.trainDir, backend: o.backend ?? "auto", maxSequences: 1, eot: o.eot });
  return {
    context: decoder.context,
    vocabSize: decoder.vocabSize,
    async generate(prompt, g, onToken, signal) {
      const id = decoder.add(prompt, { maxTokens: g.maxTokens, temperature: g.temperature, topK: g.topK, topP: g.topP, seed: g.seed, stop: g.stop });
      const cancel = () => decoder.cancel(id);
      signal?.addEventListener("abort", cancel, { once: true });
      if (signal?.aborted) cancel();
      const tokens: number[] = [];
      try {
        for (;;) {
          for (const e of await decoder.step()) {
            if (e.id !== id) continue;
            const ends = e.reason === "stop" || e.reason === "eot";
            if (e.token >= 0 && !ends) {
              tokens.push(e.token);
              onToken(e.token);
            }
            if (e.done) return { tokens, reason: ends ? "stop" : e.reason === "cancelled" ? "cancelled" : e.reason === "context" ? "context" : "length" };
          }
        }
      } finally {
        signal?.removeEventListener("abort", cancel);
      }
    },
    close: () => decoder.close(),
  };
}

async function scorerModel(o: OpenChatModelOptions): Promise<ChatModel> {
  const scorer = await loadScorer({ trainDir: o.trainDir, backend: o.backend ?? "auto", eot: o.eot });
  return {
    context: scorer.context,
    vocabSize: scorer.vocabSize,
    async generate(prompt, g, onToken, signal) {
      const stop = new Set(g.stop);
      const end: { reason: ChatGeneration["reason"] } = { reason: "length" };
      const finish = (reason: ChatGeneration["reason"]) => ((end.reason = reason), true);
      const out = await scorer.generate(prompt, {
        maxTokens: g.maxTokens, temperature: g.temperature, topK: g.topK, topP: g.topP, seed: g.seed,
        stop: (generated) => {
          const t = generated.at(-1)!;
          if (stop.has(t)) return finish("stop");
          onToken(t);
          if (signal?.aborted) return finish("cancelled");
          return prompt.length + generated.length >= scorer.context ? finish("context") : false;
        },
      });
      return { tokens: end.reason === "stop" ? out.slice(0, -1) : out, reason: end.reason };
    },
    close: () => scorer.close(),
  };
}
