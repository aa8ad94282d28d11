// The token-level scoring contract that evaluation (and later fine-tuning and serving) builds on: windows of
// token ids in, per-token log-probabilities out. Implemented by infer/score.ts on @lathe/gpu (any backend).
// Dimension letters: T the model's context, V vocab.

/** One window to score. The model reads tokens[0..n-2] and predicts tokens[1..n-1] (n = tokens.length ≤ T + 1). */
export interface ScoreWindow {
  readonly tokens: readonly number[];
  /** Index of the first token whose log-probability is returned (1 ≤ from < n): only the continuation is scored. */
  readonly from: number;
}

export interface WindowScore {
  /** ln p(tokens[i] | tokens[<i]) in nats, for i = from..n-1. */
  readonly logprobs: Float64Array;
  /** Whether tokens[i] was the model's argmax at its position, for the same i. */
  readonly greedy: readonly boolean[];
}

export interface GenerateOptions {
  readonly maxTokens: number;
  /** 0 = greedy (the default). */
  readonly temperature?: number;
  readonly topK?: number;
  readonly topP?: number;
  readonly seed?: number;
  /** Called after each new token with everything generated so far; true stops generation. */
  readonly stop?: (generated: readonly number[]) => boolean;
}

export interface TokenScorer {
  /** The longest input a window may have (T): tokens.length ≤ context + 1. */
  readonly context: number;
  readonly vocabSize: number;
  /** Id of <|endoftext|> (the harness's prefix token for an empty context). */
  readonly eot: number;
  /** sha256 (hex) over the model's weights and config: what a score cache is keyed by. */
  readonly digest: string;
  /** The backend the scores actually came from. */
  readonly backend: "webgpu" | "cpu";
  /** Scores many windows; batches them internally (windows of similar length together). Results in input order. */
  score(windows: readonly ScoreWindow[]): Promise<WindowScore[]>;
  /** Continues `prompt` (at most maxTokens new ids; the prompt is left-truncated to the context). */
  generate(prompt: readonly number[], opts: GenerateOptions): Promise<number[]>;
  /** Frees device memory. */
  close(): Promise<void>;
}
