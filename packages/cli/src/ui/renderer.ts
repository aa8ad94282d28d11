// What every build renderer is: a sink for the engine's event stream plus a close() that flushes the last frame.
import type { EngineEvent } from "@lathe/engine";

export interface Renderer {
  onEvent(e: EngineEvent): void;
  /** Flushes and releases the terminal; resolves once everything is written. */
  close(): Promise<void>;
}
