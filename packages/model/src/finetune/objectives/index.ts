// Fine-tuning objectives as pure functions on @lathe/gpu tensors: batches, log-probabilities, SFT, DPO, reward
// models (Bradley–Terry) and GRPO. The finetune stages compose these; run the tests with
// `bun test src/finetune --timeout 120000` in packages/model.

/** Batches of rendered conversations. */
export { makeSeqBatch, SeqBatchError, type ResponseRows, type SeqBatch, type SeqRow } from "./batch.ts";

/** Log-probabilities of a batch's response targets, and the SFT loss. */
export { sequenceLogprobs, sftLoss, tokenLogprobsOf } from "./logprobs.ts";

/** Preference losses: DPO on a policy and a frozen reference, Bradley–Terry on reward scores. */
export { bradleyTerryLoss, dpoLoss, type DpoResult, type PairLogprobs } from "./preference.ts";
export { RewardHead } from "./reward-head.ts";

/** GRPO: group-normalized advantages and the KL-penalized policy loss. */
export { groupAdvantages, grpoLoss, type GrpoResult } from "./grpo.ts";
