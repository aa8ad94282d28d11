// Shards, masks, the loader's window math, reproducibility and resume, and the two stages end to end.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Json, StageContext, StageDef } from "@lathe/engine";
import { byteTokenizer } from "../build.ts";
import { DEFAULT_SPECIALS, EOT } from "../presets.ts";
import { HEADER_BYTES, ShardWriter, readMask, readShard } from "./shard.ts";
import { packSplit } from "./pack.ts";
import { renderChat } from "../chat/render.ts";
import { TokenLoader } from "./loader.ts";
import { tokenizerStages } from "../stages/index.ts";
import { TOKENIZER_DEFAULTS, type TokenizerSection } from "../section.ts";
import { loadTokenizer } from "../formats/lathe-json.ts";
import type { PackMeta } from "../stages/pack-stage.ts";

const tmp = () => mkdtempSync(join(tmpdir(), "lathe-tok-"));

describe("shards", () => {
  test.each([
    ["uint16", 20240520, 1, 2],
    ["uint32", 20240801, 7, 4],
  ] as const)("a %s shard has llm.c's header (magic %d, version %d) and the tokens after byte 1024", (dtype, magic, version, width) => {
    const path = join(tmp(), "x.bin");
    const w = new ShardWriter(path, dtype, null, 4); // tiny block: exercises flushing
    w.push([1, 2, 3, 65535, 7, 8], 1);
    w.close();
    const bytes = readFileSync(path);
    const h = new Int32Array(bytes.buffer, bytes.byteOffset, 256);
    expect([h[0], h[1], h[2]]).toEqual([magic, version, 6]);
    expect(h.subarray(3).every((v) => v === 0)).toBe(true);
    expect(bytes.length).toBe(HEADER_BYTES + 6 * width);
    expect([...readShard(path)]).toEqual([1, 2, 3, 65535, 7, 8]);
  });

  test("a truncated shard is rejected with the count it really holds", () => {
    const path = join(tmp(), "x.bin");
    const w = new ShardWriter(path, "uint16", null);
    w.push([1, 2, 3], 1);
    w.close();
    writeFileSync(path, readFileSync(path).subarray(0, HEADER_BYTES + 4));
    expect(() => readShard(path)).toThrow(/file holds 2 tokens; was it truncated\?/);
  });

  test("packing puts <|endoftext|> before every document and masks only the assistant's turn", async () => {
    const dir = tmp();
    const tok = byteTokenizer(DEFAULT_SPECIALS);
    const id = (s: string) => tok.specialId(s)!;
    writeFileSync(
      join(dir, "in.jsonl"),
      [JSON.stringify({ id: "1", text: "hi" }), JSON.stringify({ id: "2", messages: [{ role: "user", content: "q" }, { role: "assistant", content: "ok" }] })].join("\n") + "\n",
    );
    const stats = await packSplit(tok, join(dir, "in.jsonl"), join(dir, "o.bin"), join(dir, "o.mask.bin"), "uint16");
    const h = (c: string) => c.charCodeAt(0);
    expect([...readShard(join(dir, "o.bin"))]).toEqual([id(EOT), h("h"), h("i"), id(EOT), id("<|user|>"), h("q"), id("<|end|>"), id("<|assistant|>"), h("o"), h("k"), id("<|end|>")]);
    expect([...readMask(join(dir, "o.mask.bin"))]).toEqual([1, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1]);
    expect(stats).toEqual({ docs: 2, chat_docs: 1, tokens: 11, bytes: 5, loss_tokens: 6, mask: true });
  });
});

describe("chat documents", () => {
  test("a chat document packs exactly as renderChat renders it (ids and mask)", async () => {
    const dir = tmp();
    const tok = byteTokenizer(DEFAULT_SPECIALS);
    const messages = [{ role: "developer", content: "Sé bref." }, { role: "user", content: "中文 <|end|>?" }, { role: "assistant", content: "好 🤖" }];
    writeFileSync(join(dir, "in.jsonl"), `${JSON.stringify({ id: "1", messages })}\n`);
    await packSplit(tok, join(dir, "in.jsonl"), join(dir, "o.bin"), join(dir, "o.mask.bin"), "uint16");
    const want = renderChat(tok, messages);
    expect([...readShard(join(dir, "o.bin"))]).toEqual(want.ids);
    expect([...readMask(join(dir, "o.mask.bin"))]).toEqual([...want.mask]);
  });

  test("a role without its special token fails at the document's line", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "in.jsonl"), `${JSON.stringify({ id: "1", text: "x" })}\n${JSON.stringify({ id: "2", messages: [{ role: "tool", content: "42" }] })}\n`);
    const pack = packSplit(byteTokenizer(DEFAULT_SPECIALS), join(dir, "in.jsonl"), join(dir, "o.bin"), null, "uint16");
    await expect(pack).rejects.toThrow(`chat role has no special token at ${join(dir, "in.jsonl")}:2/messages/0/role: "tool". Hint: add "<|tool|>" and "<|end|>" to tokenizer.special_tokens`);
  });
});

describe("TokenLoader", () => {
  const tokens = Int32Array.from({ length: 1 + 8 * 10 }, (_, i) => i); // N = 81, T = 8: exactly 10 windows
  test("a shard of N tokens has floor((N-1)/T) windows of T+1 tokens, y shifted by one", () => {
    const l = new TokenLoader(tokens, null, { B: 3, T: 8, mode: "sequential" });
    expect(l.windows).toBe(10);
    const b = l.next()!;
    expect(b.rows).toBe(3);
    expect([...b.tokens.subarray(0, 9)]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect([...b.x.subarray(8, 16)]).toEqual([8, 9, 10, 11, 12, 13, 14, 15]);
    expect([...b.y.subarray(8, 16)]).toEqual([9, 10, 11, 12, 13, 14, 15, 16]);
    expect(new TokenLoader(tokens.subarray(0, 80), null, { B: 1, T: 8, mode: "sequential" }).windows).toBe(9);
  });

  test("sequential mode serves every window once, the last batch short, then null", () => {
    const l = new TokenLoader(tokens, null, { B: 4, T: 8, mode: "sequential" });
    const rows = [l.next()!.rows, l.next()!.rows, l.next()!.rows];
    expect(rows).toEqual([4, 4, 2]);
    expect(l.next()).toBeNull();
  });

  test("random mode is a seeded permutation: each epoch covers every window once", () => {
    const l = new TokenLoader(tokens, null, { B: 5, T: 8, mode: "random", seed: 7 });
    const e0 = [...l.next()!.windows, ...l.next()!.windows];
    expect([...e0].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const again = new TokenLoader(tokens, null, { B: 5, T: 8, mode: "random", seed: 7 });
    expect([...again.next()!.windows, ...again.next()!.windows]).toEqual(e0);
    const other = new TokenLoader(tokens, null, { B: 5, T: 8, mode: "random", seed: 8 });
    expect([...other.next()!.windows, ...other.next()!.windows]).not.toEqual(e0);
    expect(l.next()!.epoch).toBe(1);
  });

  test("a saved cursor resumes the exact batch sequence, across epochs", () => {
    const a = new TokenLoader(tokens, null, { B: 3, T: 8, mode: "random", seed: 1 });
    for (let i = 0; i < 5; i++) a.next();
    const state = JSON.parse(JSON.stringify(a.state()));
    const expected = [a.next()!, a.next()!, a.next()!].map((b) => [...b.tokens]);
    const b = new TokenLoader(tokens, null, { B: 3, T: 8, mode: "random", seed: 1 });
    b.restore(state);
    expect([b.next()!, b.next()!, b.next()!].map((x) => [...x.tokens])).toEqual(expected);
    const c = new TokenLoader(tokens, null, { B: 2, T: 8, mode: "random", seed: 1 });
    expect(() => c.restore(state)).toThrow(/loader state does not match/);
  });

  test("the mask follows the targets", () => {
    const mask = Uint8Array.from({ length: 81 }, (_, i) => i % 2);
    const b = new TokenLoader(tokens, mask, { B: 1, T: 8, mode: "sequential" }).next()!;
    expect([...b.mask!]).toEqual([...b.y].map((t) => t % 2));
  });

  test("a shard shorter than one window is an error with a hint", () => {
    expect(() => new TokenLoader(tokens.subarray(0, 5), null, { B: 1, T: 8, mode: "random" })).toThrow(/need at least T\+1 = 9/);
  });
});

function fakeCtx(stage: StageDef, inputs: Record<string, string>, outDir: string): StageContext<Json> {
  const logs: string[] = [];
  return {
    id: stage.id, params: stage.params, inputs, outDir, scratchDir: outDir, root: outDir, resource: "cpu", signal: new AbortController().signal,
    log: (l) => logs.push(l), progress: () => {}, metric: () => {},
  };
}

describe("stages", () => {
  test.each(["bpe", "char", "byte"] as const)("tokenizer then pack (%s) write the contract's files and meta.json", async (kind) => {
    const root = tmp();
    const clean = join(root, "clean");
    mkdirSync(clean);
    const line = (t: string) => JSON.stringify({ id: "x", source: "s", text: t });
    writeFileSync(join(clean, "train.jsonl"), [line("the cat sat on the mat"), line("the dog ate the cat food"), JSON.stringify({ id: "c", messages: [{ role: "user", content: "hi" }, { role: "assistant", content: "the cat" }] })].join("\n") + "\n");
    writeFileSync(join(clean, "val.jsonl"), line("the cat ate") + "\n");
    writeFileSync(join(clean, "test.jsonl"), line("a mat") + "\n");
    const section: TokenizerSection = { ...TOKENIZER_DEFAULTS, kind, vocab_size: 300 };
    const cleanStage = { id: "clean" } as StageDef;
    const { tokenizer, pack } = tokenizerStages({ recipe: { tokenizer: section }, file: "/r.yaml", root, id: (n) => `trial-1/${n}` }, { clean: cleanStage });
    expect(tokenizer.id).toBe("trial-1/tokenizer");
    expect(tokenizer.params).not.toHaveProperty("pack");
    expect(pack.inputs).toEqual({ clean: { stage: "clean" }, tokenizer: { stage: "trial-1/tokenizer" } });
    const tdir = join(root, "tok"), pdir = join(root, "pack");
    mkdirSync(tdir);
    mkdirSync(pdir);
    await tokenizer.run(fakeCtx(tokenizer, { clean }, tdir));
    for (const f of ["tokenizer.json", "tokenizer.hf.json", "report.json"]) expect(existsSync(join(tdir, f))).toBe(true);
    await pack.run(fakeCtx(pack, { clean, tokenizer: tdir }, pdir));
    const meta = JSON.parse(readFileSync(join(pdir, "meta.json"), "utf8")) as PackMeta;
    const tok = loadTokenizer(join(tdir, "tokenizer.json"));
    expect(meta.vocab_size).toBe(tok.vocabSize);
    expect(meta.eot).toBe(tok.specialId(EOT)!);
    expect(meta.dtype).toBe("uint16");
    expect(meta.splits.val.bytes).toBe(11);
    expect(meta.splits.train.mask).toBe(true);
    expect(existsSync(join(pdir, "train.mask.bin"))).toBe(true);
    expect(existsSync(join(pdir, "val.mask.bin"))).toBe(false);
    const val = readShard(join(pdir, "val.bin"));
    expect(val.length).toBe(meta.splits.val.tokens);
    expect(tok.decode(val)).toBe(`${EOT}the cat ate`);
  });
});
