// Hugging Face tokenizer.json (the `tokenizers` library format), ByteLevel BPE:
//   model: BPE with vocab {byte-level string: id} and merges [[left, right], ...] in rank order,
//   pre_tokenizer: Sequence[Split(Regex, Isolated), ByteLevel(use_regex: false)], decoder: ByteLevel,
//   added_tokens: the specials (special: true, never normalized or split).
// Char tokenizers export as a BPE model without merges over characters, with <|unk|> and a Fuse decoder.
import { TokenizerFormatError } from "../errors.ts";
import { BpeTokenizer } from "../bpe/bpe-tokenizer.ts";
import type { SpecialToken } from "../bpe/specials.ts";
import { CharTokenizer } from "../char-tokenizer.ts";
import { GPT2_PATTERN, UNK } from "../presets.ts";
import type { Tokenizer } from "../tokenizer.ts";
import { bytesToVisible, visibleToBytes } from "../utf8.ts";

function addedTokens(specials: readonly SpecialToken[]) {
  return specials.map((s) => ({ id: s.id, content: s.content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }));
}

const bpeModel = (vocab: Record<string, number>, merges: [string, string][], unk: string | null) => ({
  type: "BPE",
  dropout: null,
  unk_token: unk,
  continuing_subword_prefix: null,
  end_of_word_suffix: null,
  fuse_unk: false,
  byte_fallback: false,
  ignore_merges: false,
  vocab,
  merges,
});

/** The tokenizer.json object for a Lathe tokenizer. */
export function exportHfTokenizer(tok: Tokenizer): Record<string, unknown> {
  if (tok instanceof CharTokenizer) {
    const vocab: Record<string, number> = {};
    tok.spec.chars.forEach((c, id) => (vocab[c] = id));
    for (const s of tok.specials) vocab[s.content] = s.id;
    return {
      version: "1.0",
      truncation: null,
      padding: null,
      added_tokens: addedTokens(tok.specials),
      normalizer: null,
      pre_tokenizer: null,
      post_processor: null,
      decoder: { type: "Fuse" },
      model: bpeModel(vocab, [], tok.specialId(UNK) !== undefined ? UNK : null),
    };
  }
  if (!(tok instanceof BpeTokenizer)) throw new TypeError(`exportHfTokenizer: unsupported kind ${tok.kind}`);
  const vocab: Record<string, number> = {};
  const special = new Set(tok.specials.map((s) => s.id));
  tok.spec.vocab.forEach((b, id) => {
    if (b !== null && !special.has(id)) vocab[bytesToVisible(b)] = id;
  });
  for (const s of tok.specials) vocab[s.content] = s.id;
  const visible = (id: number) => bytesToVisible(tok.tokenBytes(id));
  const merges: [string, string][] =
    tok.spec.ranks === "index" ? tok.spec.merges.map(([a, b]) => [visible(a), visible(b)]) : tok.mergeList().map(([a, b]) => [visible(a), visible(b)]);
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: addedTokens(tok.specials),
    normalizer: null,
    pre_tokenizer: {
      type: "Sequence",
      pretokenizers: [
        ...(tok.spec.pattern === "" ? [] : [{ type: "Split", pattern: { Regex: tok.spec.pattern }, behavior: "Isolated", invert: false }]),
        { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    },
    post_processor: null,
    decoder: { type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: bpeModel(vocab, merges, null),
  };
}

type Obj = Record<string, unknown>;

/** The split regex of a ByteLevel BPE pre-tokenizer: Split(Regex), ByteLevel(use_regex) = GPT-2's, or "" for none. */
function findPattern(pre: unknown, file: string): string {
  const list: Obj[] = [];
  const walk = (p: unknown) => {
    if (p === null || typeof p !== "object") return;
    const o = p as Obj;
    if (o.type === "Sequence") (o.pretokenizers as unknown[]).forEach(walk);
    else list.push(o);
  };
  walk(pre);
  for (const p of list) {
    if (p.type === "Split") {
      const pat = p.pattern as Obj;
      if (typeof pat.Regex === "string") return pat.Regex;
      if (typeof pat.String === "string") return (pat.String as string).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    }
    if (p.type === "ByteLevel" && p.use_regex !== false) return GPT2_PATTERN;
  }
  if (list.some((p) => p.type === "ByteLevel")) return ""; // ByteLevel without a regex: no splitting
  throw new TokenizerFormatError(file, "/pre_tokenizer", list.map((p) => p.type), "Lathe imports ByteLevel BPE files: Split(Regex) + ByteLevel, or ByteLevel(use_regex)", "no split regex found");
}

/** A Lathe BPE tokenizer from a HF ByteLevel BPE tokenizer.json object. */
export function importHfTokenizer(json: unknown, file = "<tokenizer.json>"): BpeTokenizer {
  const j = json as Obj;
  const model = j?.model as Obj | undefined;
  if (!model || model.type !== "BPE") throw new TokenizerFormatError(file, "/model/type", model?.type, "Lathe imports ByteLevel BPE models", "unsupported model");
  if (j.normalizer != null) throw new TokenizerFormatError(file, "/normalizer", (j.normalizer as Obj).type, "Lathe tokenizers have no normalizer; remove it or normalize text before encoding", "unsupported normalizer");
  const specials: SpecialToken[] = ((j.added_tokens as Obj[] | undefined) ?? []).map((t) => ({ content: t.content as string, id: t.id as number }));
  const specialIds = new Set(specials.map((s) => s.id));
  const vocab: (Uint8Array | null)[] = [];
  const byVisible = new Map<string, number>();
  for (const [v, id] of Object.entries(model.vocab as Record<string, number>)) {
    if (specialIds.has(id)) continue;
    const b = visibleToBytes(v);
    if (b === null) throw new TokenizerFormatError(file, `/model/vocab/${v}`, id, "tokens must use the ByteLevel byte-to-unicode alphabet", "not a byte-level token");
    while (vocab.length <= id) vocab.push(null);
    vocab[id] = b;
    byVisible.set(v, id);
  }
  const merges = (model.merges as (string | [string, string])[]).map((m, i): [number, number] => {
    const [l, r] = typeof m === "string" ? (m.split(" ") as [string, string]) : m;
    const a = byVisible.get(l), b = byVisible.get(r);
    if (a === undefined || b === undefined) throw new TokenizerFormatError(file, `/model/merges/${i}`, m, "both sides of a merge must be in model.vocab", "merge of unknown tokens");
    return [a, b];
  });
  return new BpeTokenizer({ kind: "bpe", pattern: findPattern(j.pre_tokenizer, file), vocab, merges, ranks: "index", specials });
}
