// The harness-level language-model contract (lm-evaluation-harness's `LM`: loglikelihood, loglikelihood_rolling,
// generate_until), on strings. Task runners are written against it; lm/lathe-lm.ts implements it on a TokenScorer.

export interface LoglikelihoodRequest {
  readonly context: string;
  readonly continuation: string;
}

export interface LoglikelihoodResult {
  /** Sum of ln p over the continuation's tokens (nats). */
  readonly logprob: number;
  /** Every continuation token was the argmax. */
  readonly isGreedy: boolean;
  /** Continuation tokens scored. */
  readonly tokens: number;
}

export interface RollingResult {
  /** Sum of ln p over every token of the text (nats), each token predicted once. */
  readonly logprob: number;
  readonly tokens: number;
}

export interface GenerateRequest {
  readonly context: string;
  /** Stop strings: the output is cut before the first one. */
  readonly until: readonly string[];
  readonly maxTokens: number;
  /** 0 = greedy (default). */
  readonly temperature?: number;
  readonly seed?: number;
}

export interface EvalLM {
  /** Shown in results (`config.model`). */
  readonly name: string;
  loglikelihood(reqs: readonly LoglikelihoodRequest[]): Promise<LoglikelihoodResult[]>;
  loglikelihoodRolling(texts: readonly string[]): Promise<RollingResult[]>;
  generateUntil(reqs: readonly GenerateRequest[]): Promise<string[]>;
}
