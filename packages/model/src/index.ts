// @lathe/model: GPT, recurrent and hybrid language models on @lathe/gpu, their trainer, sampling and export.

/** Build-graph stages (model.train, model.sample). */
export { modelStages, type TrainParams } from "./stages.ts";

/** Training. */
export { trainModel, type TrainRunOptions, type TrainSummary } from "./train/trainer.ts";
export { learningRate, type ScheduleOpts } from "./train/schedule.ts";

/** Sampling and export (the CLI's `lathe sample` and `lathe export`). */
export { sample, generate, type SampleOptions, type SampleResult } from "./infer/sample.ts";
export { exportHf, type ExportHfOptions } from "./infer/export-hf.ts";
export { HostModel } from "./infer/host-model.ts";
export { loadHostModel, readTrainedConfig } from "./infer/load.ts";

/** Scoring: windows of token ids → per-token log-probabilities (evaluation, fine-tuning, serving build on it). */
export type { TokenScorer, ScoreWindow, WindowScore, GenerateOptions } from "./infer/token-scorer.ts";
export { loadScorer, ScoreWindowError, type LoadScorerOptions } from "./infer/score.ts";
export { deviceFor, openDevice } from "./train/device.ts";

/** Batched decoding on @lathe/gpu: continuous batching over a paged KV cache (sample, chat, rollouts, serving). */
export {
  Decoder, DecodeError, loadDecoder, type DecodeOptions, type DecoderStats, type FinishReason, type Generation,
  type LoadDecoderOptions, type SequenceId, type StepEvent,
} from "./infer/decode/index.ts";

/** Models, configs and estimates. */
export { buildModel, type LanguageModel } from "./nn/model.ts";
export {
  resolveModelConfig, resolveTrainConfig, modelSectionDefaults, parseDuration,
  type ModelConfig, type GptConfig, type RnnConfig, type HybridConfig, type TrainConfig,
} from "./config.ts";
export { estimate, formatEstimate, checkFits, type Estimate, type DeviceLimits } from "./estimate.ts";

/** µP (model.parametrization: mup): per-layer scales, folding them into plain weights for exporters, the coordinate check. */
export { foldMup } from "./mup/fold.ts";
export { mupScales, describeMup } from "./mup/rules.ts";
export { coordCheck, spreadAcrossWidths } from "./mup/coord-check.ts";

/** Sweeps: early stopping (ASHA, median rule) and scaling-law fits (power law, Chinchilla), as pure functions. */
export * as sweep from "./sweep/index.ts";

/** Files. */
export { readSafetensors, writeSafetensors, encodeSafetensors, decodeSafetensors, type TensorMap } from "./io/safetensors.ts";

/** Errors. */
export { ModelConfigError, DoesNotFitError, NonFiniteError, CheckpointError } from "./errors.ts";
