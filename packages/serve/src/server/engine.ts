// The contract between the HTTP server and whatever generates tokens: the host engine (host-engine.ts, one request at a
// time) today, the batched KV-cache decoder later. The server speaks only token ids and log-probabilities to it.
// Dimension letters: T the model's context, V vocab, k alternatives per position.

/** One generation request: a prompt of token ids continued by at most maxTokens new ones. */
export interface EngineRequest {
  /** Token ids (1 ≤ length, prompt.length + maxTokens ≤ T: the server checks both). */
  readonly prompt: readonly number[];
  readonly maxTokens: number;
  /** 0 = greedy. */
  readonly temperature: number;
  /** 1 = off. */
  readonly topP: number;
  /** 0 = off. */
  readonly topK: number;
  readonly seed?: number;
  /** Ids that end the generation; the one drawn is yielded, then the stream ends. */
  readonly stopTokens?: readonly number[];
  /** Alternatives to report per generated token (`top`); 0 = none. */
  readonly topLogprobs?: number;
  /** Aborted when the client goes away or the request times out: the engine frees the request and ends the stream. */
  readonly signal: AbortSignal;
}

/** A token id and its log-probability (ln p, nats, under the model's own distribution before temperature). */
export interface TokenLogprob {
  readonly token: number;
  readonly logprob: number;
}

/** One generated token. */
export interface GeneratedToken extends TokenLogprob {
  /** The k most likely ids at this position, most likely first (present when topLogprobs > 0). */
  readonly top?: readonly TokenLogprob[];
}

/** The score of one prompt position: ln p(ids[i] | ids[<i]) (null for i = 0: nothing precedes it). */
export interface PromptTokenScore {
  readonly logprob: number | null;
  /** The k most likely ids at position i (empty for i = 0). */
  readonly top: readonly TokenLogprob[];
}

export interface EngineStats {
  /** Requests generating now. */
  readonly running: number;
  /** Requests waiting for a slot. */
  readonly queued: number;
  /** Sequences in the last decode step (1 for the host engine while it runs). */
  readonly batch: number;
}

export interface ServingEngine {
  /** T: prompt plus generated tokens must fit in it. */
  readonly contextLength: number;
  /** V: ids are 0..V-1 (a client's token-id prompt is checked against it). */
  readonly vocabSize: number;
  /** Ids that end a generation (<|endoftext|>, a chat's <|end|>); the first also stands for an empty prompt. */
  readonly endTokens: readonly number[];
  /** Text to ids; special-token strings become their ids. */
  tokenize(text: string): number[];
  /** Ids to text; a cut multi-byte character decodes to U+FFFD. */
  detokenize(ids: readonly number[]): string;
  /** Generates tokens as they are drawn; ends at maxTokens, a stop token or the signal. */
  submit(req: EngineRequest): AsyncIterable<GeneratedToken>;
  /** Scores a prompt's own tokens (echo with logprobs): one entry per id, in order. */
  scorePrompt(ids: readonly number[], topK: number, signal?: AbortSignal): Promise<PromptTokenScore[]>;
  stats(): EngineStats;
}
