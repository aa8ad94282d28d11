// Typed errors of @lathe/model. Each message says what went wrong, where, the bad value, and a hint.

/** A model or train section that cannot be built (JSON pointer into the recipe in `pointer`). */
export class ModelConfigError extends Error {
  override readonly name = "ModelConfigError";
  constructor(
    readonly pointer: string,
    readonly value: unknown,
    readonly problem: string,
    readonly hint: string,
  ) {
    super(`${pointer}: ${problem} (got ${JSON.stringify(value)}). Hint: ${hint}`);
  }
}

/** The model would not fit the device: the estimate and the limit that it exceeds. */
export class DoesNotFitError extends Error {
  override readonly name = "DoesNotFitError";
  constructor(
    readonly what: string,
    readonly needBytes: number,
    readonly limitBytes: number,
    readonly estimate: string,
  ) {
    super(
      `model does not fit: ${what} needs ${mib(needBytes)} but the device allows ${mib(limitBytes)}.\n${estimate}\n` +
        `Hint: lower train.batch_size or model.context, or make the model smaller (n_layer, d_model / hidden).`,
    );
  }
}

/** Loss or a gradient became NaN/Inf: the step and the tensor, so the run can be diagnosed. */
export class NonFiniteError extends Error {
  override readonly name = "NonFiniteError";
  constructor(
    readonly step: number,
    readonly tensor: string,
    readonly value: number,
    readonly checkpoint: string | null,
  ) {
    super(
      `training diverged at step ${step}: ${tensor} is ${value}. ` +
        (checkpoint ? `The last good checkpoint (${checkpoint}) is kept. ` : "No checkpoint was written yet. ") +
        `Hint: lower train.lr, raise train.warmup_steps, or set train.grad_clip (e.g. 1.0).`,
    );
  }
}

/** A safetensors file or checkpoint that cannot be read. */
export class CheckpointError extends Error {
  override readonly name = "CheckpointError";
  constructor(
    readonly file: string,
    readonly problem: string,
    readonly hint: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${problem}. Hint: ${hint}`, options);
  }
}

export function mib(bytes: number): string {
  return bytes >= 1 << 30 ? `${(bytes / (1 << 30)).toFixed(2)} GiB` : `${(bytes / (1 << 20)).toFixed(1)} MiB`;
}
