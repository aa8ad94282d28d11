// How lathe reports a failure: user errors (typed errors with a deliberate message) print just that message;
// anything else is a bug and prints its stack. LATHE_DEBUG=1 prints stacks always.

const BUILTIN = new Set(["Error", "TypeError", "RangeError", "ReferenceError", "SyntaxError", "EvalError", "URIError", "AggregateError"]);

/** True for the typed error classes of Lathe packages (RecipeError, EngineError, UsageError, ...). */
export function isUserError(e: unknown): boolean {
  return e instanceof Error && !BUILTIN.has(e.name) && e.name.endsWith("Error");
}

/** The text to print for an error: a RecipeError's formatted issues, a user error's message, or a bug's stack. */
export function describeError(e: unknown, debug = process.env.LATHE_DEBUG === "1"): string {
  if (!(e instanceof Error)) return String(e);
  if (debug) return e.stack ?? e.message;
  if (isUserError(e)) {
    const f = (e as { format?: unknown }).format;
    return typeof f === "function" ? String(f.call(e)) : e.message;
  }
  return `internal error (a bug in lathe, please report it): ${e.stack ?? e.message}`;
}
