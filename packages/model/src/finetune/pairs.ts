// The preference kinds, on (prompt, chosen, rejected) pairs rendered by the shared chat renderer with the response
// as the assistant's turn: `dpo` trains the policy against its frozen starting model (loss −log σ(β·margin)), and
// `reward` trains the policy's trunk with a scalar head on the Bradley–Terry loss. Held out: loss, preference
// accuracy (share of pairs whose chosen response wins) and the mean margin.
// Dimension letters: B pairs, T context.
import { backward, type Device, noGrad, type Tensor } from "@lathe/gpu";
import { type ChatRecord, renderChat, type Tokenizer } from "@lathe/tokenizer";
import { EpochStream } from "./data.ts";
import { type Method, type MethodContext, streamState } from "./method.ts";
import { makeSeqBatch, type SeqRow } from "./objectives/batch.ts";
import { sub } from "./objectives/compose.ts";
import { sequenceLogprobs } from "./objectives/logprobs.ts";
import { bradleyTerryLoss, dpoLoss } from "./objectives/preference.ts";
import { RewardHead } from "./objectives/reward-head.ts";

type Pair = { readonly chosen: SeqRow; readonly rejected: SeqRow };

/** A preference record as two rendered conversations: prompt + chosen, prompt + rejected (mask on the response). */
export function renderPair(tok: Tokenizer, r: ChatRecord): Pair {
  if (r.kind !== "preference") throw new Error(`a preference stage got a ${r.kind} record`);
  const one = (answer: string): SeqRow => {
    const { ids, mask } = renderChat(tok, [...r.prompt, { role: "assistant", content: answer }]);
    return { ids, mask: [...mask] };
  };
  return { chosen: one(r.chosen), rejected: one(r.rejected) };
}

/** Mean of a host array. */
const mean = (xs: ArrayLike<number>): number => (xs.length === 0 ? Number.NaN : Array.from(xs).reduce((a, b) => a + b, 0) / xs.length);

/** A batch of pairs through the kind's loss: the loss (backpropagated when training) and each pair's margin (B). */
type PairRun = (pairs: readonly Pair[], train: boolean, seed: number) => { loss: Tensor; margin: Tensor };

export function dpoMethod(c: MethodContext, ref: Awaited<ReturnType<MethodContext["reference"]>>): Method {
  const { dev, stage: s, tok, policy } = c;
  const T = policy.config.context;
  const eot = tok.specialId("<|endoftext|>")!;
  // The reference's log-probabilities without a tape.
  return pairMethod(c, (pairs, train, seed) =>
    dev.tidy(() => {
      const chosen = makeSeqBatch(dev, pairs.map((p) => p.chosen), T, eot);
      const rejected = makeSeqBatch(dev, pairs.map((p) => p.rejected), T, eot);
      const f = { train, seed, site: 0 };
      const refLp = noGrad(() => ({ chosen: sequenceLogprobs(ref, chosen, { train: false, seed: 0, site: 0 }), rejected: sequenceLogprobs(ref, rejected, { train: false, seed: 0, site: 0 }) }));
      const pi = { chosen: sequenceLogprobs(policy, chosen, f), rejected: sequenceLogprobs(policy, rejected, f) };
      const r = dpoLoss(pi, refLp, s.beta);
      if (train) backward(r.loss);
      return { loss: r.loss, margin: r.margin };
    }),
  );
}

export function rewardMethod(c: MethodContext): Method & { readonly head: RewardHead } {
  const { dev, tok, policy } = c;
  const T = policy.config.context;
  const eot = tok.specialId("<|endoftext|>")!;
  const head = new RewardHead(policy.params, policy.width);
  const method = pairMethod(c, (pairs, train, seed) =>
    dev.tidy(() => {
      const f = { train, seed, site: 0 };
      const rc = scoreRows(dev, head, policy, pairs.map((p) => p.chosen.ids), T, eot, f);
      const rr = scoreRows(dev, head, policy, pairs.map((p) => p.rejected.ids), T, eot, f);
      const loss = bradleyTerryLoss(rc, rr);
      if (train) backward(loss);
      return { loss, margin: noGrad(() => sub(rc, rr)) }; // (B) rc − rr, off the tape
    }),
  );
  return { ...method, head };
}

/** The Method both preference kinds share: batches of pairs from an epoch stream, margins logged, held-out accuracy. */
function pairMethod(c: MethodContext, run: PairRun): Method {
  const { stage: s, tok, policy } = c;
  const stream = new EpochStream(c.train.map((r) => renderPair(tok, r)), c.seed);
  const held = c.heldout.map((r) => renderPair(tok, r));
  return {
    params: policy.params.list,
    data: { state: () => streamState(stream.epoch, stream.cursor), restore: (st) => stream.restore(st.epoch, st.cursor) },
    async objective(step) {
      const pairs = stream.take(s.batch_size);
      const { loss, margin } = run(pairs, true, (c.seed * 1000003 + step) >>> 0);
      const m = await margin.read();
      margin.dispose();
      return { loss, metrics: { margin: mean(m), pref_acc: mean(Array.from(m, (x) => (x > 0 ? 1 : 0))) }, tokens: tokensOf(pairs) };
    },
    async evaluate() {
      return evalPairs(held, s.batch_size, async (pairs) => {
        const { loss, margin } = noGrad(() => run(pairs, false, 0));
        const out = { loss: (await loss.read())[0]!, margins: Array.from(await margin.read()) };
        loss.dispose();
        margin.dispose();
        return out;
      });
    },
  };
}

/**
 * Reward-model scores of whole rendered conversations (each at most T tokens, so its last token is an input): the
 * hidden state at the last token reads the whole conversation.
 */
export function scoreRows(dev: Device, head: RewardHead, model: MethodContext["policy"], rows: readonly (readonly number[])[], T: number, pad: number, f: { train: boolean; seed: number; site: number }): Tensor /* (B) */ {
  const B = rows.length;
  const ids = new Int32Array(B * T).fill(pad); // (B,T)
  const last = new Int32Array(B); // (B)
  rows.forEach((r, b) => {
    const n = Math.min(r.length, T);
    ids.set(r.slice(r.length - n), b * T); // a conversation longer than T keeps its end (the response)
    last[b] = n - 1;
  });
  return head.score(model, dev.tensor(ids, [B, T], { name: "ids" }), dev.tensor(last, [B], { name: "last" }), f);
}

async function evalPairs(held: readonly Pair[], B: number, run: (pairs: readonly Pair[]) => Promise<{ loss: number; margins: number[] }>): Promise<Record<string, number>> {
  let loss = 0;
  const margins: number[] = [];
  for (let i = 0; i < held.length; i += B) {
    const pairs = held.slice(i, i + B);
    const r = await run(pairs);
    loss += r.loss * pairs.length;
    margins.push(...r.margins);
  }
  return { loss: loss / Math.max(1, held.length), pref_acc: mean(margins.map((m) => (m > 0 ? 1 : 0))), margin: mean(margins), pairs: held.length };
}

function tokensOf(pairs: readonly Pair[]): number {
  return pairs.reduce((n, p) => n + p.chosen.ids.length + p.rejected.ids.length, 0);
}
