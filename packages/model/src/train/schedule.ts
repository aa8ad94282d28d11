// Learning-rate schedule: linear warmup, then cosine | linear decay to min_lr, or constant (nanoGPT's get_lr).

export interface ScheduleOpts {
  readonly lr: number;
  readonly min_lr: number;
  readonly warmup_steps: number;
  readonly steps: number; // horizon: the decay reaches min_lr at the last step
  readonly schedule: "cosine" | "linear" | "constant";
}

/** Learning rate for optimizer step `step` (0-based). */
export function learningRate(step: number, o: ScheduleOpts): number {
  if (step < o.warmup_steps) return (o.lr * (step + 1)) / (o.warmup_steps + 1);
  if (o.schedule === "constant") return o.lr;
  const span = Math.max(1, o.steps - 1 - o.warmup_steps);
  const ratio = Math.min(1, (step - o.warmup_steps) / span);
  const coeff = o.schedule === "cosine" ? 0.5 * (1 + Math.cos(Math.PI * ratio)) : 1 - ratio;
  return o.min_lr + coeff * (o.lr - o.min_lr);
}
