// Rolling windows for loglikelihood_rolling, as lm-evaluation-harness builds them (get_rolling_token_windows with
// context_len = 1, then make_disjoint_window): every token predicted exactly once, with as much left context as fits.
// Dimension letters: T the model's context (max_seq_len).
import type { ScoreWindow } from "@lathe/model";

/** One harness window: the model's input tokens and the tokens it predicts (the last preds.length positions). */
export interface RollingWindow {
  readonly input: readonly number[];
  readonly preds: readonly number[];
}

/**
 * The harness's rolling windows over `tokens`: the first window predicts tokens[0..T-1] from [prefix, ...];
 * later windows predict up to T - contextLen + 1 new tokens each, reading the T tokens before the last prediction.
 */
export function rollingTokenWindows(tokens: readonly number[], prefix: number, T: number, contextLen = 1): RollingWindow[] {
  if (!(contextLen >= 1 && contextLen <= T)) throw new RangeError(`rolling windows: contextLen must be in 1..${T} (got ${contextLen})`);
  const out: RollingWindow[] = [];
  if (tokens.length === 0) return out;
  const predLen = T - contextLen + 1;
  const first = Math.min(T, tokens.length);
  out.push({ input: [prefix, ...tokens.slice(0, first - 1)], preds: tokens.slice(0, first) });
  let predicted = first;
  while (predicted < tokens.length) {
    const n = Math.min(tokens.length - predicted, predLen);
    const end = predicted + n;
    out.push({ input: tokens.slice(end - T - 1, end - 1), preds: tokens.slice(end - n, end) });
    predicted += n;
  }
  return out;
}

/** The harness's make_disjoint_window: keep only the inputs that precede the first prediction. */
export function makeDisjointWindow(w: RollingWindow): RollingWindow {
  return { input: w.input.slice(0, w.input.length - (w.preds.length - 1)), preds: w.preds };
}

/** The score windows of one document: (context + predictions) with only the predictions scored. */
export function rollingScoreWindows(tokens: readonly number[], eot: number, T: number): ScoreWindow[] {
  return rollingTokenWindows(tokens, eot, T, 1).map((w) => {
    const d = makeDisjointWindow(w);
    return { tokens: [...d.input, ...d.preds], from: d.input.length };
  });
}
