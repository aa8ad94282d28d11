// The TTY renderer: feeds engine events into BuildState and redraws <BuildScreen> with Ink at most every 80 ms
// (and on a timer while stages run, so spinners and elapsed times move).
import React from "react";
import { render } from "ink";
import type { EngineEvent } from "@lathe/engine";
import BuildScreen from "./ink/BuildScreen.tsx";
import type { Renderer } from "./renderer.ts";
import { BuildState } from "./state.ts";

const FRAME_MS = 80;

export interface InkOptions {
  readonly stdout?: NodeJS.WriteStream;
}

export function createInkRenderer(opts: InkOptions = {}): Renderer {
  const stdout = opts.stdout ?? process.stdout;
  const state = new BuildState();
  let frame = 0;
  const element = () => (
    <BuildScreen
      state={state}
      columns={stdout.columns || 100}
      rows={stdout.rows || 30}
      now={Date.now()}
      frame={frame}
    />
  );
  const ink = render(element(), { stdout, patchConsole: true, exitOnCtrlC: false, maxFps: 1000 / FRAME_MS });
  let dirty = false;
  const timer = setInterval(() => {
    frame++;
    if (dirty || state.withStatus("running").length > 0) {
      dirty = false;
      ink.rerender(element());
    }
  }, FRAME_MS);

  return {
    onEvent(e: EngineEvent): void {
      state.apply(e, Date.now());
      dirty = true;
      // Finished stages go to <Static> right away so a crash after this point still leaves them on screen.
      if (e.type === "build-done") ink.rerender(element());
    },
    async close(): Promise<void> {
      clearInterval(timer);
      ink.rerender(element());
      ink.unmount();
      await ink.waitUntilExit();
    },
  };
}
