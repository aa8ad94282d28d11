// @lathe/eval: evaluation of language models as lm-evaluation-harness does it — intrinsic metrics, log-likelihood
// scoring on the GPU, the harness's task YAML, built-in offline tasks, BLEU/chrF, contamination, ratings, report cards.

/** The harness-level model: strings in, log-likelihoods out, on a @lathe/model TokenScorer. */
export type { EvalLM, LoglikelihoodRequest, LoglikelihoodResult, RollingResult, GenerateRequest } from "./lm/types.ts";
export { LatheLM, type LatheLMOptions } from "./lm/lathe-lm.ts";
export { ScoreCache, ScoreCacheError, windowKey } from "./lm/cache.ts";
export { rollingTokenWindows, makeDisjointWindow, rollingScoreWindows } from "./lm/rolling.ts";
export { LMRequestError, LMSetupError, ScorerContractError } from "./lm/errors.ts";

/** Intrinsic metrics: perplexity, bits per byte / char, word perplexity over rolling windows. */
export { intrinsicMetrics, textCounts, type IntrinsicMetrics } from "./intrinsic.ts";

/** Tasks: the lm-evaluation-harness task contract, and the built-in offline tasks. */
export type { TaskConfig, LoadedTask, Doc, OutputType, MetricSpec } from "./tasks/types.ts";
export { BUILTIN_TASKS, builtinTask, builtinAbout } from "./builtin/registry.ts";
export type { BuiltinOptions, BuiltinTaskDef } from "./builtin/task.ts";
export { BuiltinTaskError } from "./builtin/errors.ts";

/** Text metrics compatible with sacreBLEU's defaults. */
export { corpusBleu, sentenceBleu, SACREBLEU_VERSION, MetricInputError, type BleuResult, type BleuOptions } from "./metrics/bleu.ts";
export { corpusChrf, sentenceChrf, type ChrfResult, type ChrfOptions } from "./metrics/chrf.ts";

/** Contamination: 13-gram overlap with the training split. */
export { NgramIndex, NgramIndexError, normalizeForNgrams } from "./contamination/ngrams.ts";

/** Human ratings: the append-only ratings file and its summary (win rates, mean scores, Bradley–Terry / Elo). */
export { CRITERIA, appendRating, readRatings, ratingProblem, isPairwise, RatingsFileError, RatingError, type Criterion, type Rating, type PairwiseRating, type ScoreRating } from "./rate/ratings.ts";
export { summarizeRatings, fitBradleyTerry, type RatingSummary, type SummaryOptions, type PairStats, type CriterionStats, type SystemScores, type Strength, type BradleyTerryFit } from "./rate/summary.ts";

/** The report card: model, merge, rating rows, and its terminal / Markdown / JSON renderings. */
export { CARD_GROUPS, checkCard, bestCells, mergeCards, ratingRows, ReportCardError, type ReportCard, type CardColumn, type CardRow, type CardCell, type CardGroup } from "./report/card.ts";
export { formatCardTerminal, cardMarkdown, cardJson, type TerminalCardOptions } from "./report/format.ts";

/** lm-evaluation-harness task YAML: load (shipped tasks, your own files, their data files) and run. */
export { loadTask, shippedTaskNames, SHIPPED_TASKS_DIR, type LoadOptions as TaskLoadOptions } from "./tasks/load.ts";
export { loadTaskConfig, readTaskFile } from "./tasks/config.ts";
export { runTasks, type RunOptions } from "./tasks/run.ts";
export { resultsJson, samplesJsonl, type HarnessResults, type SampleRecord } from "./tasks/results.ts";
export { TaskError } from "./tasks/errors.ts";
export { registerProcessDocs, registerProcessResults } from "./tasks/processDocs.ts";
export { registerMetric, metricInfo, type MetricInfo, type GenerationScore } from "./tasks/metrics.ts";
export type { GroupConfig } from "./tasks/types.ts";
export { AGGREGATIONS, aggregateSubtaskMetrics } from "./metrics/aggregate.ts";
export { meanStderr, bootstrapStderr, pooledSampleStderr } from "./metrics/stderr.ts";

/** The eval stage (registered through src/kinds.ts). */
export { evalStage, EVAL_VERSION } from "./stage/plan.ts";
export type { EvalParams, TaskRef } from "./stage/params.ts";
