// makeSeqBatch: the shift to next-token targets, the mask on targets, padding, the response rows, and its errors.
import { describe, expect, test } from "bun:test";
import { makeSeqBatch, type SeqRow } from "./batch.ts";
import { cpu } from "./test-fixtures.ts";

const dev = await cpu();
const read = async (t: { read(): Promise<ArrayLike<number>> }) => Array.from(await t.read());

describe("makeSeqBatch", () => {
  test("shifts ids to targets, moves the mask onto the targets and right-pads to T", async () => {
    const rows: SeqRow[] = [
      { ids: [1, 2, 3, 4], mask: [0, 0, 1, 1] },
      { ids: [5, 6], mask: [0, 1] },
    ];
    const b = makeSeqBatch(dev, rows, 4, 9);
    expect(b.ids.shape).toEqual([2, 4]);
    expect(await read(b.ids)).toEqual([1, 2, 3, 9, 5, 9, 9, 9]);
    expect(await read(b.targets)).toEqual([2, 3, 4, -1, 6, -1, -1, -1]);
    expect(await read(b.mask)).toEqual([0, 1, 1, 0, 1, 0, 0, 0]);
    expect(await read(b.response!.rows)).toEqual([1, 2, 4]);
    expect(await read(b.response!.targets)).toEqual([3, 4, 6]);
    expect(await read(b.response!.slot)).toEqual([0, 0, 1, 0, 2, 0, 0, 0]);
  });

  test("a row of exactly T+1 tokens fills every position", async () => {
    const b = makeSeqBatch(dev, [{ ids: [1, 2, 3, 4, 5], mask: [1, 1, 1, 1, 1] }], 4, 0);
    expect(await read(b.ids)).toEqual([1, 2, 3, 4]);
    expect(await read(b.targets)).toEqual([2, 3, 4, 5]);
    expect(await read(b.mask)).toEqual([1, 1, 1, 1]);
  });

  test("a batch without response tokens has no response rows", () => {
    expect(makeSeqBatch(dev, [{ ids: [1, 2, 3], mask: [1, 0, 0] }], 4, 0).response).toBeUndefined();
  });

  test.each([
    ["too long", [{ ids: [1, 2], mask: [0, 1] }, { ids: [1, 2, 3, 4, 5, 6], mask: [0, 0, 0, 1, 1, 1] }], "row 1: 6 tokens is longer than T+1 = 5 (T = 4 positions and the last target). Hint: drop or truncate rows longer than the context before batching"],
    ["mask misaligned", [{ ids: [1, 2, 3], mask: [0, 1] }], "row 0: 3 ids but 2 mask values. Hint: give one mask value per token, aligned to ids"],
    ["mask not 0/1", [{ ids: [1, 2, 3], mask: [0, 1, 2] }], "row 0: mask[2] is 2. Hint: mask values are 0 (prompt, no loss) or 1 (response, loss)"],
    ["negative id", [{ ids: [1, -3, 3], mask: [0, 1, 1] }], "row 0: token 1 is -3. Hint: token ids are non-negative integers"],
    ["no rows", [], "batch: no rows. Hint: pass at least one conversation"],
  ] as [string, SeqRow[], string][])("rejects a batch with %s", (_, rows, message) => {
    expect(() => makeSeqBatch(dev, rows, 4, 0)).toThrow(message);
  });

  test("rejects a pad that is not a token id", () => {
    expect(() => makeSeqBatch(dev, [{ ids: [1, 2], mask: [0, 1] }], 4, -1)).toThrow("batch: pad = -1. Hint: pad with a token id (a non-negative integer), e.g. <|endoftext|>'s");
  });
});
