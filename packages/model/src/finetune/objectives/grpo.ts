// GRPO (Shao et al. 2024, DeepSeekMath): group-normalized advantages of sampled completions, and the policy loss
// with a per-token KL penalty to the reference model (the k3 estimator exp(ref−logp) − (ref−logp) − 1).
// Dimension letters: B sequences (completions), T positions, G completions per prompt (the group).
//
// grpoLoss is async: @lathe/gpu has no exp op, and exp cannot be composed from the existing ones (every op that
// could carry it — softmax, logSigmoid, tokenLogprobs, the norms — is bounded or in log space), so the per-token
// ratio and KL coefficients are computed on the host from the (B,T) log-probabilities (one read per step) and
// applied through a zero-valued tensor whose gradient is logp's: loss = Σ coef·(logp − stopgrad(logp)) + value.
// The loss's value and its gradient are exact; only second derivatives (never taken) are lost. With an exp op in
// @lathe/gpu this could stay on the device and become synchronous.
import { ops, ShapeError, type Tensor } from "@lathe/gpu";
import { expectShape, scalar, stopGrad, sub } from "./compose.ts";

/**
 * Advantages of G = groupSize completions per prompt, rewards grouped consecutively: (r − mean) / (std + 1e-4) with
 * the group's sample standard deviation (n − 1, as TRL's GRPOTrainer). A group whose rewards are all equal
 * (no signal, including G = 1) gets zeros.
 */
export function groupAdvantages(rewards: readonly number[], groupSize: number): number[] {
  const G = groupSize;
  if (!Number.isInteger(G) || G < 1) throw new ShapeError("groupAdvantages", `groupSize = ${G}`, "pass the number of completions sampled per prompt, a positive integer");
  if (rewards.length % G !== 0) throw new ShapeError("groupAdvantages", `${rewards.length} rewards are not whole groups of ${G}`, `pass groupSize completions per prompt, ${G}·prompts rewards in all`);
  const out = new Array<number>(rewards.length);
  for (let g = 0; g < rewards.length; g += G) {
    const r = rewards.slice(g, g + G);
    if (r.every((v) => v === r[0])) {
      r.forEach((_, i) => (out[g + i] = 0));
      continue;
    }
    const mean = r.reduce((s, v) => s + v, 0) / G;
    const std = Math.sqrt(r.reduce((s, v) => s + (v - mean) ** 2, 0) / (G - 1));
    r.forEach((v, i) => (out[g + i] = (v - mean) / (std + 1e-4)));
  }
  return out;
}

export interface GrpoResult {
  /** (): the policy loss; backward() through it reaches logp only. */
  readonly loss: Tensor;
  /** (): the mean per-token KL estimate k3 (masked tokens per sequence, then sequences), no gradient. */
  readonly kl: Tensor;
}

/**
 * Per token: −A·ratio + klCoef·k3, ratio = exp(logp − oldLogp) (on-policy, oldLogp null: exp(logp − stopgrad(logp)),
 * value 1, gradient logp's), k3 = exp(ref − logp) − (ref − logp) − 1; averaged over each sequence's masked tokens,
 * then over the B sequences (one with no masked token adds 0). No ratio clipping. Gradient per masked token:
 * (−A·ratio + klCoef·(1 − exp(ref − logp))) / (n_b·B).
 */
export async function grpoLoss(
  logp: Tensor /* (B,T) policy token logprobs */,
  refLogp: Tensor /* (B,T) reference token logprobs, no grad */,
  oldLogp: Tensor | null /* (B,T) at sampling time, or null: on-policy */,
  advantages: Tensor /* (B) */,
  mask: Tensor /* (B,T) 0/1 */,
  klCoef: number,
): Promise<GrpoResult> {
  const [B, T] = logp.shape;
  expectShape("grpoLoss", [B, T], { logp, refLogp, oldLogp, mask });
  expectShape("grpoLoss", [B], { advantages });
  const [lp, ref, old, adv, m] = await Promise.all([logp.read(), refLogp.read(), oldLogp?.read() ?? null, advantages.read(), mask.read()]);
  const coef = new Float32Array(B * T); // (B,T) d loss / d logp
  let value = 0;
  let kl = 0;
  for (let b = 0; b < B; b++) {
    let n = 0;
    for (let t = 0; t < T; t++) n += m[b * T + t];
    if (n === 0) continue;
    const w = 1 / (n * B);
    const A = adv[b];
    for (let t = 0; t < T; t++) {
      const i = b * T + t;
      if (m[i] === 0) continue;
      const d = ref[i] - lp[i];
      const k3 = Math.expm1(d) - d; // exp(d) − d − 1 without cancellation at small d
      const ratio = old ? Math.exp(lp[i] - old[i]) : 1;
      coef[i] = m[i] * w * (-A * ratio - klCoef * Math.expm1(d));
      value += m[i] * w * (-A * ratio + klCoef * k3);
      kl += m[i] * w * k3;
    }
  }
  const dev = logp.device;
  const zero = sub(logp, stopGrad(logp)); // (B,T) value 0, gradient logp's
  const loss = ops.add(ops.sum(ops.mul(zero, dev.tensor(coef, [B, T], { name: "grpo.coef" }))), scalar(dev, value, "grpo.value"));
  return { loss, kl: scalar(dev, kl, "grpo.kl") };
}
