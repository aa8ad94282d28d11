// The batched GPU decoder with a paged KV cache (continuous batching, chunked prefill, per-sequence seeded sampling).
export { Decoder, type DecodeOptions, type DecoderStats, type FinishReason, type Generation, type SequenceId, type StepEvent } from "./decoder.ts";
export { decoderOnModel, loadDecoder, type LoadDecoderOptions } from "./load.ts";
export { DecodeError } from "./errors.ts";
