// How lathe reports a failure: user errors (typed errors with a deliberate message) print just that message;
// anything else is a bug and prints its stack. LATHE_DEBUG=1 prints stacks always.

const BUILTIN = new Set(["Error", "TypeError", "RangeError", "ReferenceError", "SyntaxError", "EvalError", "URIError", "AggregateError"]);

/**
 * True for the typed error classes of Lathe packages (RecipeError, SchemaError, EngineError, UsageError, ...): by
 * their `name`, or by their class name when a subclass forgot to set `name` (it then reads "Error").
 */
export function isUserError(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const typed = (name: string) => !BUILTIN.has(name) && name.endsWith("Error");
  return typed(e.name) || (e.name === "Error" && typed(e.constructor.name));
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
