// Reinforcement learning from a reward (GRPO-style, no value network): each step samples group_size completions
// of batch_size prompts from the current policy with the batched decoder (paged KV cache, sharing the policy's
// weights, so rollouts always see the latest update), scores them with a verifiable reward function named in the
// recipe or with a reward stage's model, normalizes the rewards within each prompt's group into advantages, and
// takes one gradient step on −A·log π plus a per-token KL penalty to the frozen starting model.
// Dimension letters: P prompts per step, G group size, R = P·G rollouts, T context.
import { join } from "node:path";
import { backward, type Device, noGrad } from "@lathe/gpu";
import { type ChatMessage, type ChatRecord, chatSpecialIds, renderChat, type Tokenizer } from "@lathe/tokenizer";
import { exactMatch, rewardNamesLemma } from "@lathe/data";
import { decoderOnModel } from "../infer/decode/load.ts";
import type { Decoder } from "../infer/decode/decoder.ts";
import { Gpt } from "../nn/gpt.ts";
import type { LanguageModel } from "../nn/model.ts";
import { EpochStream } from "./data.ts";
import { type Method, type MethodContext, streamState } from "./method.ts";
import { makeSeqBatch, type SeqRow } from "./objectives/batch.ts";
import { tokenLogprobsOf } from "./objectives/logprobs.ts";
import { groupAdvantages, grpoLoss } from "./objectives/grpo.ts";
import { RewardHead } from "./objectives/reward-head.ts";
import { scoreRows } from "./pairs.ts";
import { loadWeightsInto } from "./weights.ts";
import { buildModel } from "../nn/model.ts";
import { readTrainedConfig } from "../infer/load.ts";

type Prompt = { readonly messages: readonly ChatMessage[]; readonly ids: readonly number[]; readonly answers: readonly string[] };

/** A completion's reward by a verifiable rule: 1 or 0. */
export function verifiableReward(rule: "contains" | "exact" | "regex", answer: string, answers: readonly string[]): number {
  if (rule === "contains") return rewardNamesLemma(answer, answers);
  if (rule === "exact") return answers.some((a) => exactMatch(answer, a) === 1) ? 1 : 0;
  return answers.some((a) => safeRegex(a).test(answer)) ? 1 : 0;
}

function safeRegex(pattern: string): RegExp {
  try {
    return new RegExp(pattern, "iu");
  } catch {
    return { test: () => false } as unknown as RegExp; // a bad pattern rewards nothing (the reader reports it)
  }
}

export async function rlMethod(c: MethodContext, ref: LanguageModel): Promise<Method> {
  const { dev, stage: s, tok, policy } = c;
  if (!(policy instanceof Gpt)) throw new Error(`rl samples with the batched decoder, which runs gpt models; this model is ${policy.config.kind}`);
  const T = policy.config.context;
  const ids = chatSpecialIds(tok);
  const G = s.group_size;
  const render = (r: ChatRecord): Prompt => {
    if (r.kind !== "prompt") throw new Error(`rl got a ${r.kind} record`);
    return { messages: r.prompt, ids: renderChat(tok, r.prompt, { addGenerationPrompt: true }).ids, answers: r.answers };
  };
  const stream = new EpochStream(c.train.map(render), c.seed);
  const held = c.heldout.map(render);
  const R = Math.max(s.batch_size * G, Math.min(held.length, 64));
  const decoder = decoderOnModel(dev, policy, { maxSequences: R, maxTokens: R * T, eot: ids.eot });
  const rewardModel = s.reward === "model" ? await loadRewardModel(dev, c.rewardDir!) : null;

  const rewardOf = async (p: readonly Prompt[], texts: readonly string[]): Promise<number[]> => {
    if (!rewardModel) return texts.map((t, i) => verifiableReward(s.reward as "contains" | "exact" | "regex", t, p[i]!.answers));
    const rows = texts.map((t, i) => renderChat(tok, [...p[i]!.messages, { role: "assistant", content: t }]).ids);
    const out: number[] = [];
    for (let i = 0; i < rows.length; i += 32) {
      const r = noGrad(() => dev.tidy(() => scoreRows(dev, rewardModel.head, rewardModel.model, rows.slice(i, i + 32), T, ids.eot, { train: false, seed: 0, site: 0 })));
      out.push(...(await r.read()));
      r.dispose();
    }
    return out;
  };

  const state = () => streamState(stream.epoch, stream.cursor);
  return {
    params: policy.params.list,
    data: { state, restore: (st) => stream.restore(st.epoch, st.cursor) },
    async objective(step) {
      const prompts = stream.take(s.batch_size).flatMap((p) => Array<Prompt>(G).fill(p)); // (R) each prompt G times
      const gens = await rollout(decoder, prompts, { maxTokens: s.max_tokens, temperature: s.temperature, stop: ids.end, seed: (c.seed * 7919 + step * 104729) >>> 0 });
      const texts = gens.map((g) => completionText(tok, g, ids));
      const rewards = await rewardOf(prompts, texts);
      const adv = groupAdvantages(rewards, G);
      const rows: SeqRow[] = prompts.map((p, i) => ({ ids: [...p.ids, ...gens[i]!], mask: [...Array<number>(p.ids.length).fill(0), ...Array<number>(gens[i]!.length).fill(1)] }));
      const { loss, kl } = await dev.tidy(async () => {
        const b = makeSeqBatch(dev, rows, T, ids.eot);
        const logp = tokenLogprobsOf(policy, b, { train: true, seed: step, site: 0 });
        const refLogp = noGrad(() => tokenLogprobsOf(ref, b, { train: false, seed: 0, site: 0 }));
        const r = await grpoLoss(logp, refLogp, null, dev.tensor(Float32Array.from(adv), [adv.length], { name: "advantages" }), b.mask, s.kl);
        backward(r.loss);
        return r;
      });
      const meanReward = rewards.reduce((a, b) => a + b, 0) / rewards.length;
      return { loss, metrics: { reward: meanReward, kl, completion_tokens: gens.reduce((n, g) => n + g.length, 0) / gens.length }, tokens: rows.reduce((n, r) => n + r.ids.length, 0) };
    },
    async evaluate() {
      // Greedy answers to the held-out prompts: the reward a user would see at temperature 0.
      const out: number[] = [];
      for (let i = 0; i < held.length; i += R) {
        const p = held.slice(i, i + R);
        const gens = await rollout(decoder, p, { maxTokens: s.max_tokens, temperature: 0, stop: ids.end, seed: 0 });
        out.push(...(await rewardOf(p, gens.map((g) => completionText(tok, g, ids)))));
      }
      return { reward: out.reduce((a, b) => a + b, 0) / Math.max(1, out.length), prompts: out.length };
    },
    async close() {
      await decoder.close();
    },
  };
}

/** Sample one completion per prompt (all in the decoder's batch at once); each ends at <|end|>, eot or maxTokens. */
export async function rollout(d: Decoder, prompts: readonly Prompt[], o: { maxTokens: number; temperature: number; stop: number; seed: number }): Promise<number[][]> {
  const seqs = prompts.map((p, i) => d.add(p.ids, { maxTokens: o.maxTokens, temperature: o.temperature, seed: (o.seed + i * 65537) >>> 0, stop: [o.stop] }));
  const out = new Map<number, number[]>(seqs.map((id) => [id, []]));
  let left = seqs.length;
  while (left > 0) {
    for (const ev of await d.step()) {
      const got = out.get(ev.id);
      if (!got) continue;
      if (ev.token >= 0) got.push(ev.token);
      if (ev.done) left--;
    }
  }
  return seqs.map((id) => out.get(id)!);
}

/** The text of a completion without the token that ended it. */
function completionText(tok: Tokenizer, tokens: readonly number[], ids: { end: number; eot: number }): string {
  const n = tokens.length > 0 && (tokens.at(-1) === ids.end || tokens.at(-1) === ids.eot) ? tokens.length - 1 : tokens.length;
  return tok.decode(tokens.slice(0, n)).trim();
}

/** A reward stage's output: the trunk and its scalar head, frozen. */
async function loadRewardModel(dev: Device, dir: string): Promise<{ model: LanguageModel; head: RewardHead }> {
  const cfg = readTrainedConfig(dir);
  const model = buildModel(dev, cfg, 0);
  const head = new RewardHead(model.params, model.width);
  loadWeightsInto(model, join(dir, "model.safetensors"));
  model.params.freeze();
  return { model, head };
}

