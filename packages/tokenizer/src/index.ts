// @lathe/tokenizer: byte-level BPE (train, encode, decode), char and byte tokenizers, HF/tiktoken formats,
// llm.c token shards with a resumable loader, and the tokenizer/pack stages.

/** The common interface, streaming decode, errors. */
export type { Tokenizer, TokenizerKind, EncodeOptions } from "./tokenizer.ts";
export { StreamDecoder } from "./tokenizer.ts";
export { TokenizerConfigError, TokenizerFormatError, UnknownCharError, TokenIdError, ChatTokenError, ChatDataError } from "./errors.ts";
export { IdBuffer } from "./ids.ts";

/** Tokenizer kinds and training. */
export { BpeTokenizer, type BpeSpec } from "./bpe/bpe-tokenizer.ts";
export { BpeTrainer, trainBpe, type BpeTrainOptions, type BpeTrainReport } from "./bpe/train.ts";
export { CharTokenizer, charAlphabet, charSpec, type CharSpec, type UnknownCharPolicy } from "./char-tokenizer.ts";
export { buildTokenizer, byteTokenizer, type BuildReport } from "./build.ts";
export type { SpecialToken } from "./bpe/specials.ts";

/** Pre-tokenization. */
export { SPLIT_PRESETS, GPT2_PATTERN, GPT4_PATTERN, NANOCHAT_PATTERN, EOT, CHAT_TOKENS, DEFAULT_SPECIALS, UNK, type SplitPreset } from "./presets.ts";
export { makeSplitter, regexSplitter, splitPattern, type Splitter } from "./split.ts";

/** File formats. */
export { toLatheJson, fromLatheJson, saveTokenizer, loadTokenizer, type LatheTokenizerJson } from "./formats/lathe-json.ts";
export { exportHfTokenizer, importHfTokenizer } from "./formats/hf.ts";
export { importTiktoken, exportTiktoken, parseTiktoken } from "./formats/tiktoken.ts";

/** Shards and the loader. */
export { ShardWriter, readShard, readMask, shardHeader, SHARD_HEADERS, MASK_MAGIC, HEADER_BYTES, type TokenDtype } from "./pack/shard.ts";
export { packSplit, renderDoc, pickDtype, type SplitStats } from "./pack/pack.ts";
export { TokenLoader, type LoaderOptions, type LoaderState, type Batch } from "./pack/loader.ts";

/** Chat: the one layout (render, Jinja template, HF tokenizer_config.json), fine-tuning data readers, plan check. */
export {
  renderChat, renderChatText, chatSpecialIds, chatRole, roleToken, CHAT_ROLES, ROLE_ALIASES, END,
  CHAT_TEMPLATE, hfTokenizerConfig, writeHfTokenizerConfig,
  parseChatLines, readChatData, formatChatReport, CHAT_RULES,
  checkChatTokenizer, CHAT_SPECIALS,
} from "./chat/index.ts";
export type {
  ChatRole, ChatMessage, ChatInput, ChatSpecialIds, RenderChatOptions, RenderedChat, HfTokenizerConfigOptions,
  ChatRecord, ChatExpect, ChatReadOptions, ChatRule, ChatDataReport, ChatDataExample, ChatRuleCount, ChatTokenizerProblem,
} from "./chat/index.ts";

/** Stages. */
export { tokenizerStages } from "./stages/index.ts";
export type { TokenizerPlanContext } from "./stages/index.ts";
export type { PackMeta, PackParams } from "./stages/pack-stage.ts";
export type { TokenizerTrainParams } from "./stages/tokenizer-stage.ts";
export { TOKENIZER_DEFAULTS, tokenizerSection, type TokenizerSection } from "./section.ts";
