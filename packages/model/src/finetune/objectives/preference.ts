// Pairwise preference losses: DPO (Rafailov et al. 2023) on sequence log-probabilities of a policy and a frozen
// reference, and Bradley–Terry on a reward model's scores. Dimension letters: B preference pairs.
import { noGrad, ops, type Tensor } from "@lathe/gpu";
import { expectShape, sub } from "./compose.ts";

/** Sequence log-probabilities (B) of the chosen and the rejected response of each pair. */
export interface PairLogprobs {
  readonly chosen: Tensor; // (B)
  readonly rejected: Tensor; // (B)
}

export interface DpoResult {
  /** (): mean over pairs of −log σ(margin). */
  readonly loss: Tensor;
  /** (B): β·[(πc − rc) − (πr − rr)], the implicit reward margin (positive: the policy prefers chosen more than the reference does). */
  readonly margin: Tensor;
}

/**
 * DPO: loss = mean −log σ(β·[(πc − rc) − (πr − rr)]). The reference's log-probabilities are constants (no gradient
 * flows into them even if they carry a tape). dL/dπc = −β·σ(−margin)/B, dL/dπr = +β·σ(−margin)/B.
 */
export function dpoLoss(pi: PairLogprobs, ref: PairLogprobs, beta: number): DpoResult {
  const B = pi.chosen.shape[0] ?? 0;
  expectShape("dpoLoss", [B], { "pi.chosen": pi.chosen, "pi.rejected": pi.rejected, "ref.chosen": ref.chosen, "ref.rejected": ref.rejected });
  const refDiff = noGrad(() => sub(ref.chosen, ref.rejected)); // (B), off the tape
  const margin = ops.scale(sub(sub(pi.chosen, pi.rejected), refDiff), beta); // (B)
  return { loss: ops.scale(ops.mean(ops.logSigmoid(margin)), -1), margin };
}

/** Bradley–Terry: mean −log σ(rc − rr) over pairs. dL/drc = −σ(rr − rc)/B, dL/drr = +σ(rr − rc)/B. */
export function bradleyTerryLoss(rChosen: Tensor /* (B) */, rRejected: Tensor /* (B) */): Tensor /* () */ {
  expectShape("bradleyTerryLoss", [rChosen.shape[0] ?? 0], { rChosen, rRejected });
  return ops.scale(ops.mean(ops.logSigmoid(sub(rChosen, rRejected))), -1);
}
