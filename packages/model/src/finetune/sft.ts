// Supervised fine-tuning: conversations rendered by the shared chat renderer, packed whole into windows of T + 1
// tokens (several short ones per window; with cross_window a long one continues in the next window), loss on the
// assistant's tokens only; optionally a fraction of each batch's rows from the pretraining shards. Held out: the
// mean loss per assistant token of the held-out conversations.
import { join } from "node:path";
import { backward, noGrad } from "@lathe/gpu";
import { renderChat, TokenLoader } from "@lathe/tokenizer";
import { EpochStream } from "./data.ts";
import { type Method, type MethodContext, streamState } from "./method.ts";
import { makeSeqBatch, type SeqRow } from "./objectives/batch.ts";
import { sftLoss } from "./objectives/logprobs.ts";

export function sftMethod(c: MethodContext): Method {
  const { dev, stage: s, tok, policy } = c;
  const T = policy.config.context;
  const eot = tok.specialId("<|endoftext|>")!;
  const render = (r: (typeof c.train)[number]): SeqRow => {
    if (r.kind !== "sft") throw new Error(`sft got a ${r.kind} record`);
    const { ids, mask } = renderChat(tok, r.messages);
    return { ids, mask: [...mask] };
  };
  const convs = c.train.map(render);
  const stream = new EpochStream(convs, c.seed);
  const nMix = Math.round(s.batch_size * s.mix_pretrain);
  const mixLoader = nMix > 0 && c.packDir ? TokenLoader.open(join(c.packDir, "train.bin"), { B: nMix, T, mode: "random", seed: c.seed }, null) : null;
  let carry: SeqRow | null = null; // with cross_window: the rest of a conversation cut at a window edge

  /** One window of T + 1 tokens: whole conversations while they fit (with cross_window, the last one is cut). */
  const window = (): SeqRow => {
    const ids: number[] = [];
    const mask: number[] = [];
    for (let guard = 0; guard < 10_000; guard++) {
      const next = carry ?? stream.next();
      carry = null;
      const room = T + 1 - ids.length;
      if (next.ids.length <= room) {
        ids.push(...next.ids);
        mask.push(...next.mask);
        continue;
      }
      if (s.cross_window && room > 1) {
        ids.push(...next.ids.slice(0, room));
        mask.push(...next.mask.slice(0, room));
        // the next window starts where this one stopped, with the conversation's last token as its first input
        carry = { ids: next.ids.slice(room - 1), mask: [0, ...next.mask.slice(room)] };
      } else carry = next;
      break;
    }
    return { ids, mask };
  };

  const rowsOfPretraining = (): SeqRow[] => {
    if (!mixLoader) return [];
    const b = mixLoader.next()!;
    return Array.from({ length: nMix }, (_, r) => {
      const x = [...b.x.subarray(r * T, (r + 1) * T)];
      return { ids: [...x, b.y[(r + 1) * T - 1]!], mask: [0, ...Array<number>(T).fill(1)] };
    });
  };

  const heldRows = c.heldout.map(render);
  return {
    params: policy.params.list,
    data: {
      state: () => streamState(stream.epoch, stream.cursor, { carry, mix: mixLoader?.state() ?? null }),
      restore: (st) => {
        const x = st as unknown as { epoch: number; cursor: number; carry: SeqRow | null; mix: Parameters<TokenLoader["restore"]>[0] | null };
        stream.restore(x.epoch, x.cursor);
        carry = x.carry;
        if (x.mix && mixLoader) mixLoader.restore(x.mix);
      },
    },
    async objective(step) {
      const rows = [...Array.from({ length: s.batch_size - nMix }, window), ...rowsOfPretraining()];
      const tokens = rows.reduce((n, r) => n + r.mask.reduce((a, b) => a + b, 0), 0);
      const loss = dev.tidy(() => {
        const l = sftLoss(policy, makeSeqBatch(dev, rows, T, eot), { train: true, seed: (c.seed * 1000003 + step) >>> 0, site: 0 });
        backward(l);
        return l;
      });
      return { loss, tokens };
    },
    async evaluate() {
      let sum = 0;
      let n = 0;
      for (let i = 0; i < heldRows.length; i += s.batch_size) {
        const rows = heldRows.slice(i, i + s.batch_size);
        const count = rows.reduce((a, r) => a + r.mask.slice(1).reduce((x, y) => x + y, 0), 0);
        const l = noGrad(() => dev.tidy(() => sftLoss(policy, makeSeqBatch(dev, rows, T, eot), { train: false, seed: 0, site: 0 })));
        sum += (await l.read())[0]! * count;
        n += count;
        l.dispose();
      }
      return { loss: n > 0 ? sum / n : Number.NaN, tokens: n };
    },
  };
}
