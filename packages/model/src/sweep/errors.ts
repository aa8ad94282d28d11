// Typed errors of the sweep helpers (early stopping, scaling-law fits). Each message says what went wrong, where,
// the bad value, and a hint.

/** A stopper option, metric history or fit point that cannot be used; `where` is e.g. "asha.reduction" or "points[3].loss". */
export class SweepInputError extends Error {
  override readonly name = "SweepInputError";
  constructor(
    readonly where: string,
    readonly value: unknown,
    readonly problem: string,
    readonly hint: string,
  ) {
    super(`${where}: ${problem} (got ${show(value)}). Hint: ${hint}`);
  }
}

/** A scaling-law fit given fewer points than its constants + 1. */
export class TooFewPointsError extends Error {
  override readonly name = "TooFewPointsError";
  constructor(
    readonly fit: string,
    readonly got: number,
    readonly need: number,
    readonly constants: readonly string[],
  ) {
    super(
      `${fit}: ${got} point${got === 1 ? "" : "s"} cannot fit ${constants.length} constants (${constants.join(", ")}); ` +
        `it needs at least ${need}. Hint: add runs at more sizes${fit === "fitChinchilla" ? " and token counts" : ""}.`,
    );
  }
}

/** JSON.stringify, except that non-finite numbers print as themselves (JSON would say null). */
export function show(value: unknown): string {
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  return JSON.stringify(value) ?? String(value);
}
