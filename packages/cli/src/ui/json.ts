// The --json renderer: every engine event as one line of JSON, nothing else, for scripts and other tools.
// With several recipes in one `lathe build`, build-start and build-done carry a `recipe` field (the path as given)
// so a reader can tell which recipe each build belongs to; stage events are unchanged engine events.
import type { EngineEvent } from "@lathe/engine";
import type { Renderer } from "./renderer.ts";

export interface JsonRendererOptions {
  /** The recipe being built, added as `recipe` to build-start and build-done lines. */
  readonly recipe?: string;
}

export function createJsonRenderer(write: (line: string) => void, opts: JsonRendererOptions = {}): Renderer {
  return {
    onEvent(e: EngineEvent): void {
      if (opts.recipe !== undefined && (e.type === "build-start" || e.type === "build-done")) {
        const { type, ...rest } = e;
        write(JSON.stringify({ type, recipe: opts.recipe, ...rest }));
      } else {
        write(JSON.stringify(e));
      }
    },
    async close(): Promise<void> {},
  };
}
