// The auxiliary objective and metrics of a mixture-of-experts model, for the trainer: after each training forward,
// auxLoss(model) is what to add to the cross-entropy (the Switch load-balancing loss and the router z-loss, each
// already weighted by model.moe.aux_loss / z_loss, averaged over the MoE layers); after a step, auxMetrics(model)
// reads the statistics of the training forwards since its last call (averaged over them and over the layers).
// Dense models have neither: auxLoss is null and auxMetrics {}.
// Dimension letters: E experts.
import { ops, type Tensor } from "@lathe/gpu";
import type { LanguageModel } from "../nn/model.ts";

/**
 * The weighted auxiliary loss of the model's latest training forward (a scalar on the autograd tape), or null for a
 * dense model, an evaluation forward, or weights aux_loss = z_loss = 0. Call it right after forward, in the same
 * tidy scope: objective = crossEntropy + auxLoss.
 */
export function auxLoss(model: LanguageModel): Tensor | null {
  const parts = (model.moe ?? []).flatMap((m) => (m.lastAux && !m.lastAux.disposed ? [m.lastAux] : []));
  if (parts.length === 0) return null;
  const total = parts.slice(1).reduce((s, t) => ops.add(s, t), parts[0]!);
  return parts.length === 1 ? total : ops.scale(total, 1 / parts.length);
}

/**
 * The MoE statistics since the last call, averaged over the training forwards and the MoE layers:
 * moe_aux_loss and moe_z_loss (weighted, as added to the objective), moe_balance (E·Σᵢ fᵢ·Pᵢ unweighted: 1 when
 * the router spreads tokens evenly), moe_dropped (share of token-expert assignments over capacity) and
 * moe_frac_0 … moe_frac_{E-1} (each expert's share of the assignments). {} for a dense model or when no training
 * forward ran since the last call. Reads back a few numbers: call it after the step's update is queued.
 */
export async function auxMetrics(model: LanguageModel): Promise<Record<string, number>> {
  const taken = (model.moe ?? []).flatMap((m) => {
    const s = m.takeStats();
    return s ? [{ s, aux: m.spec.auxLoss, zw: m.spec.zLoss }] : [];
  });
  if (taken.length === 0) return {};
  const E = taken[0]!.s.frac.size;
  const out: Record<string, number> = { moe_aux_loss: 0, moe_z_loss: 0, moe_balance: 0, moe_dropped: 0 };
  const frac = new Float64Array(E);
  for (const { s, aux, zw } of taken) {
    const [f, balance, z, dropped] = await Promise.all([s.frac.read(), s.balance.read(), s.z.read(), s.dropped.read()]);
    const per = 1 / (s.forwards * taken.length);
    out.moe_balance! += balance![0]! * per;
    out.moe_aux_loss! += aux * balance![0]! * per;
    out.moe_z_loss! += zw * z![0]! * per;
    out.moe_dropped! += dropped![0]! * per;
    for (let e = 0; e < E; e++) frac[e]! += f![e]! * per;
    for (const t of [s.frac, s.balance, s.z, s.dropped]) t.dispose();
  }
  frac.forEach((v, e) => (out[`moe_frac_${e}`] = v));
  return out;
}
