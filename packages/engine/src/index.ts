// @lathe/engine: a generic, content-hashed, cached stage graph. Knows nothing of ML.

/** The contract domain packages build against. */
export type * from "./types.ts";
