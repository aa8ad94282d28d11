// The --json renderer: every engine event as one line of JSON, nothing else, for scripts and other tools.
import type { EngineEvent } from "@lathe/engine";
import type { Renderer } from "./renderer.ts";

export function createJsonRenderer(write: (line: string) => void): Renderer {
  return {
    onEvent(e: EngineEvent): void {
      write(JSON.stringify(e));
    },
    async close(): Promise<void> {},
  };
}
