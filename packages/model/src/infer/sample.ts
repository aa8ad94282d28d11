// Text generation from a trained model: encode the prompt, decode with temperature/top-k/top-p and stream the text —
// through the batched decoder for gpt models, through the host model (carried state) for recurrent and hybrid ones.
import { join } from "node:path";
import { sampleLogits } from "@lathe/gpu";
import { loadTokenizer } from "@lathe/tokenizer";
import { Rng } from "../rng.ts";
import type { HostModel } from "./host-model.ts";
import { loadHostModel, readTrainedConfig } from "./load.ts";
import { loadDecoder } from "./decode/load.ts";

export interface SampleOptions {
  readonly trainDir: string;
  readonly tokenizerDir: string;
  readonly prompt: string;
  /** @default 0.8 */
  readonly temperature?: number;
  /** @default 40 */
  readonly topK?: number;
  /** @default 0.95 */
  readonly topP?: number;
  /** @default 200 */
  readonly maxTokens?: number;
  /** @default 1337 */
  readonly seed?: number;
  /** Called with each completed piece of text as it is generated. */
  onText?(s: string): void;
}

export interface SampleResult {
  readonly text: string; // the continuation (without the prompt)
  readonly promptTokens: number;
  readonly tokens: readonly number[]; // generated ids
  readonly stoppedAtEot: boolean;
}

/** Generate a continuation of the prompt; returns the generated text (the prompt is not repeated). */
export async function sample(o: SampleOptions): Promise<string> {
  return (await generate(o)).text;
}

/**
 * The batched decoder (infer/decode, on the CPU reference backend: deterministic, no adapter needed) for gpt models,
 * the host model for the others; both give the same tokens for the same seed (the host loop is the decoder's
 * reference in tests).
 */
export async function generate(o: SampleOptions): Promise<SampleResult> {
  const cfg = readTrainedConfig(o.trainDir);
  return cfg.kind === "gpt" ? generateDecoded(o) : generateHost(o);
}

async function generateDecoded(o: SampleOptions): Promise<SampleResult> {
  const tok = loadTokenizer(join(o.tokenizerDir, "tokenizer.json"));
  const eot = tok.specialId("<|endoftext|>") ?? -1;
  const decoder = await loadDecoder({ trainDir: o.trainDir, backend: "cpu", maxSequences: 1, eot });
  try {
    let prompt = [...tok.encode(o.prompt)];
    if (prompt.length === 0) prompt = eot >= 0 ? [eot] : [0];
    prompt = prompt.slice(-decoder.context); // as the host sampler feeds its last window
    const id = decoder.add(prompt, { maxTokens: o.maxTokens ?? 200, temperature: o.temperature ?? 0.8, topK: o.topK ?? 40, topP: o.topP ?? 0.95, seed: o.seed ?? 1337, slide: true });
    const stream = tok.streamDecoder();
    const out: number[] = [];
    let text = "";
    let stoppedAtEot = false;
    for (let done = false; !done; ) {
      for (const e of await decoder.step()) {
        if (e.id !== id) continue;
        done = e.done;
        if (e.token === eot && eot >= 0) {
          stoppedAtEot = true;
          break;
        }
        out.push(e.token);
        const piece = stream.push(e.token);
        if (piece) {
          text += piece;
          o.onText?.(piece);
        }
      }
    }
    const rest = stream.flush();
    if (rest) {
      text += rest;
      o.onText?.(rest);
    }
    return { text, promptTokens: prompt.length, tokens: out, stoppedAtEot };
  } finally {
    await decoder.close();
  }
}

/** The host loop: one token at a time through HostModel (KV cache / carried state), sliding its window when full. */
export async function generateHost(o: SampleOptions): Promise<SampleResult> {
  const model = loadHostModel(o.trainDir);
  const tok = loadTokenizer(join(o.tokenizerDir, "tokenizer.json"));
  const eot = tok.specialId("<|endoftext|>");
  let ctx = [...tok.encode(o.prompt)];
  if (ctx.length === 0) ctx = eot !== undefined ? [eot] : [0];
  const rng = new Rng(o.seed ?? 1337);
  const opts = { temperature: o.temperature ?? 0.8, topK: o.topK ?? 40, topP: o.topP ?? 0.95 };
  const decoder = tok.streamDecoder();
  const out: number[] = [];
  let text = "";
  let logits = feed(model, ctx);
  let stoppedAtEot = false;
  for (let i = 0; i < (o.maxTokens ?? 200); i++) {
    const id = sampleLogits(logits, opts, () => rng.next());
    if (id === eot) {
      stoppedAtEot = true;
      break;
    }
    out.push(id);
    ctx.push(id);
    const piece = decoder.push(id);
    if (piece) {
      text += piece;
      o.onText?.(piece);
    }
    logits = model.pos < model.window ? model.step(id) : feed(model, ctx.slice(-Math.ceil(model.window / 2)));
  }
  const rest = decoder.flush();
  if (rest) {
    text += rest;
    o.onText?.(rest);
  }
  return { text, promptTokens: ctx.length - out.length, tokens: out, stoppedAtEot };
}

/** Reset the model and feed ids (the last window of them); returns the logits after the last. */
function feed(model: HostModel, ids: readonly number[]): Float32Array {
  model.reset();
  let logits: Float32Array = new Float32Array(model.config.vocab_size);
  for (const id of ids.slice(-model.window)) logits = model.step(id);
  return logits;
}
