// Sequence batches for fine-tuning: rendered conversations (token ids and a response mask aligned to them) become
// inputs, next-token targets and a 0/1 loss mask on the targets, right-padded to T positions. The batch also
// remembers, from the host, which positions carry loss, so the objectives can send only those rows to the head.
// Dimension letters: B sequences, T positions, N = B·T, M positions with mask 1 (response targets).
import type { Device, Tensor } from "@lathe/gpu";

/** One rendered conversation: ids include the first token; mask[i] = 1 when token i is a response token that carries loss. */
export interface SeqRow {
  readonly ids: readonly number[];
  readonly mask: readonly number[];
}

/** The response positions of a batch, known on the host when it was made (makeSeqBatch), so only they reach the head. */
export interface ResponseRows {
  readonly rows: Tensor; // (M) i32: flat position b·T + t of each target with mask 1, in order
  readonly targets: Tensor; // (M) i32: their targets
  readonly slot: Tensor; // (N) i32: m at position rows[m], 0 elsewhere (gathers (M) values back to (B,T))
}

/** A batch of B sequences of T tokens: inputs, next-token targets and a 0/1 loss mask on the targets (response tokens only). */
export interface SeqBatch {
  readonly ids: Tensor; // (B,T) i32, padded with `pad`
  readonly targets: Tensor; // (B,T) i32, -1 past each sequence's end (ignored by crossEntropy, log p = 0 in tokenLogprobs)
  readonly mask: Tensor; // (B,T) f32 0/1
  /** Set by makeSeqBatch when some target carries loss; without it the objectives run the head on all N rows. */
  readonly response?: ResponseRows;
}

/** A row makeSeqBatch cannot take: which one, what is wrong with it, and how to fix it. */
export class SeqBatchError extends Error {
  override readonly name = "SeqBatchError";
  constructor(
    readonly row: number,
    readonly problem: string,
    readonly hint: string,
  ) {
    super(`${row < 0 ? "batch" : `row ${row}`}: ${problem}. Hint: ${hint}`);
  }
}

/**
 * Inputs ids[0..L−2], targets ids[1..L−1] with mask[1..L−1] (a target carries loss when its token is a response
 * token), each right-padded to T. A row of L ≤ T+1 tokens fills L−1 positions; longer rows are an error (the
 * caller drops or splits them first).
 */
export function makeSeqBatch(dev: Device, rows: readonly SeqRow[], T: number, pad: number): SeqBatch {
  if (!Number.isInteger(T) || T < 1) throw new SeqBatchError(-1, `T = ${T} positions`, "pass the context length, a positive integer");
  if (!Number.isInteger(pad) || pad < 0) throw new SeqBatchError(-1, `pad = ${pad}`, "pad with a token id (a non-negative integer), e.g. <|endoftext|>'s");
  if (rows.length === 0) throw new SeqBatchError(-1, "no rows", "pass at least one conversation");
  const B = rows.length;
  const ids = new Int32Array(B * T).fill(pad); // (B,T)
  const targets = new Int32Array(B * T).fill(-1); // (B,T)
  const mask = new Float32Array(B * T); // (B,T)
  const resp: number[] = [];
  rows.forEach((r, b) => {
    const L = r.ids.length;
    if (r.mask.length !== L) throw new SeqBatchError(b, `${L} ids but ${r.mask.length} mask values`, "give one mask value per token, aligned to ids");
    if (L > T + 1) throw new SeqBatchError(b, `${L} tokens is longer than T+1 = ${T + 1} (T = ${T} positions and the last target)`, "drop or truncate rows longer than the context before batching");
    r.ids.forEach((id, i) => {
      if (!Number.isInteger(id) || id < 0) throw new SeqBatchError(b, `token ${i} is ${id}`, "token ids are non-negative integers");
    });
    r.mask.forEach((m, i) => {
      if (m !== 0 && m !== 1) throw new SeqBatchError(b, `mask[${i}] is ${m}`, "mask values are 0 (prompt, no loss) or 1 (response, loss)");
    });
    for (let t = 0; t < L - 1; t++) {
      const n = b * T + t;
      ids[n] = r.ids[t];
      targets[n] = r.ids[t + 1];
      mask[n] = r.mask[t + 1];
      if (mask[n] === 1) resp.push(n);
    }
  });
  const batch = {
    ids: dev.tensor(ids, [B, T], { name: "ids" }),
    targets: dev.tensor(targets, [B, T], { name: "targets" }),
    mask: dev.tensor(mask, [B, T], { name: "mask" }),
  };
  if (resp.length === 0) return batch;
  const slot = new Int32Array(B * T); // (N)
  resp.forEach((n, m) => (slot[n] = m));
  const response: ResponseRows = {
    rows: dev.tensor(Int32Array.from(resp), [resp.length], { name: "response.rows" }),
    targets: dev.tensor(Int32Array.from(resp, (n) => targets[n]), [resp.length], { name: "response.targets" }),
    slot: dev.tensor(slot, [B * T], { name: "response.slot" }),
  };
  return { ...batch, response };
}
