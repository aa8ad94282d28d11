// Save/load equality for Lathe JSON, HF tokenizer.json and tiktoken files, and HF's own JS library as a consumer.
import { describe, expect, test } from "bun:test";
import { Tokenizer as HfTokenizer } from "@huggingface/tokenizers";
import { BpeTokenizer } from "../bpe/bpe-tokenizer.ts";
import { trainBpe } from "../bpe/train.ts";
import { byteTokenizer } from "../build.ts";
import { CharTokenizer, charAlphabet, charSpec } from "../char-tokenizer.ts";
import { DEFAULT_SPECIALS, EOT, NANOCHAT_PATTERN } from "../presets.ts";
import { brownSplits } from "../fixtures/brown.ts";
import { randomText } from "../fixtures/random-text.ts";
import { fromLatheJson, toLatheJson } from "./lathe-json.ts";
import { exportHfTokenizer, importHfTokenizer } from "./hf.ts";
import { exportTiktoken, importTiktoken } from "./tiktoken.ts";
import { TokenizerFormatError } from "../errors.ts";
import type { Tokenizer } from "../tokenizer.ts";

const brown = brownSplits();
const bpe = new BpeTokenizer(trainBpe(brown.train.slice(0, 60), { pattern: NANOCHAT_PATTERN, vocabSize: 2048, specials: DEFAULT_SPECIALS }).spec);
const samples = [...brown.test.slice(0, 4), ...Array.from({ length: 200 }, (_, k) => randomText(k, 20)), `a${EOT}b<|assistant|>`];

function sameIds(a: Tokenizer, b: Tokenizer): void {
  expect(b.vocabSize).toBe(a.vocabSize);
  for (const s of samples) expect([...b.encode(s)]).toEqual([...a.encode(s)]);
}

describe("Lathe JSON", () => {
  test.each([
    ["bpe", bpe],
    ["byte", byteTokenizer(DEFAULT_SPECIALS)],
    ["char", new CharTokenizer(charSpec(charAlphabet(brown.train.slice(0, 5)), DEFAULT_SPECIALS, "unk"))],
  ] as const)("a %s tokenizer saved and loaded encodes identically", (_k, tok) => {
    const back = fromLatheJson(JSON.parse(JSON.stringify(toLatheJson(tok))));
    expect(back.kind).toBe(tok.kind);
    sameIds(tok, back);
  });

  test("a file of another format is rejected with a hint", () => {
    expect(() => fromLatheJson({ model: {} }, "x.json")).toThrow(TokenizerFormatError);
    expect(() => fromLatheJson({ model: {} }, "x.json")).toThrow(/not a Lathe tokenizer file in x.json at \/format/);
  });
});

describe("Hugging Face tokenizer.json", () => {
  const hfJson = exportHfTokenizer(bpe);

  test("export then import gives the same tokenizer", () => {
    sameIds(bpe, importHfTokenizer(JSON.parse(JSON.stringify(hfJson))));
  });

  test("@huggingface/tokenizers loads the export and gives identical ids on the Brown test split", () => {
    const hf = new HfTokenizer(hfJson as never, { clean_up_tokenization_spaces: false } as never);
    const docs = [...brown.test, "Hello 東京 🤖 it's 123456 \n\n  x", `x${EOT}y<|user|>`];
    for (const d of docs) expect(hf.encode(d, { add_special_tokens: false } as never).ids).toEqual([...bpe.encode(d)]);
    expect(hf.decode([...bpe.encode(brown.test[0])])).toBe(brown.test[0]);
  });

  test("@huggingface/tokenizers reads a char tokenizer's export (unknown chars to <|unk|>) with identical ids", () => {
    const char = new CharTokenizer(charSpec(charAlphabet(brown.train.slice(0, 3)), DEFAULT_SPECIALS, "unk"));
    const hf = new HfTokenizer(exportHfTokenizer(char) as never, { clean_up_tokenization_spaces: false } as never);
    for (const d of [brown.test[0], "zebra 東京 🤖", `x${EOT}y`]) expect(hf.encode(d, { add_special_tokens: false } as never).ids).toEqual([...char.encode(d)]);
  });

  test("@huggingface/tokenizers agrees with a tiktoken-ranked tokenizer's export on the Brown test split", () => {
    const ranked = importTiktoken(exportTiktoken(bpe), { pattern: bpe.spec.pattern, specials: bpe.specials });
    const hf = new HfTokenizer(exportHfTokenizer(ranked) as never, { clean_up_tokenization_spaces: false } as never);
    for (const d of brown.test.slice(0, 8)) expect(hf.encode(d, { add_special_tokens: false } as never).ids).toEqual([...ranked.encode(d)]);
  });

  test("a byte tokenizer exports without a Split and reads back, in Lathe and in @huggingface/tokenizers", () => {
    const byte = byteTokenizer(DEFAULT_SPECIALS);
    const json = exportHfTokenizer(byte);
    const back = importHfTokenizer(json);
    const hf = new HfTokenizer(json as never, { clean_up_tokenization_spaces: false } as never);
    for (const d of [brown.test[0].slice(0, 500), "東京 🤖", `x${EOT}y`]) {
      expect([...back.encode(d)]).toEqual([...byte.encode(d)]);
      expect(hf.encode(d, { add_special_tokens: false } as never).ids).toEqual([...byte.encode(d)]);
    }
  });

  test("a model that is not BPE is rejected", () => {
    expect(() => importHfTokenizer({ model: { type: "WordPiece" } }, "t.json")).toThrow(/unsupported model in t.json at \/model\/type: "WordPiece"/);
  });
});

describe("tiktoken rank files", () => {
  test("export then import encodes identically (tiktoken merge semantics)", () => {
    const text = exportTiktoken(bpe);
    expect(text.split("\n")[0]).toBe(`${Buffer.from([0]).toString("base64")} 0`);
    const back = importTiktoken(text, { pattern: bpe.spec.pattern, specials: bpe.specials });
    sameIds(bpe, back);
    sameIds(back, fromLatheJson(JSON.parse(JSON.stringify(toLatheJson(back)))));
  });
});
