// Typed errors of the evaluation LM layer; each message says what, where (which request), the value, and a hint.

/** A request the model cannot score as asked (e.g. a continuation longer than the context). */
export class LMRequestError extends Error {
  override readonly name = "LMRequestError";
  constructor(
    readonly method: "loglikelihood" | "loglikelihoodRolling" | "generateUntil",
    readonly index: number,
    readonly problem: string,
    readonly hint: string,
  ) {
    super(`${method} request ${index}: ${problem}. Hint: ${hint}`);
  }
}

/** A scorer that broke the TokenScorer contract (wrong number or length of results). */
export class ScorerContractError extends Error {
  override readonly name = "ScorerContractError";
  constructor(
    readonly backend: string,
    readonly problem: string,
  ) {
    super(`token scorer (${backend}): ${problem}. Hint: score() must return one WindowScore per window, in input order, with tokens.length - from logprobs each`);
  }
}

/** A scorer and tokenizer that cannot work together. */
export class LMSetupError extends Error {
  override readonly name = "LMSetupError";
  constructor(
    readonly problem: string,
    readonly hint: string,
  ) {
    super(`LatheLM: ${problem}. Hint: ${hint}`);
  }
}
