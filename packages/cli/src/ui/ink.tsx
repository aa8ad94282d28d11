// The TTY renderer: feeds engine events into BuildState and redraws <BuildScreen> with Ink at most every 80 ms:
// from a timer (so spinners and elapsed times move while nothing happens), and straight from onEvent when a frame
// is due (so a stage that keeps the event loop busy, e.g. CPU training awaiting only microtasks, still shows live).
import React from "react";
import { render } from "ink";
import type { EngineEvent } from "@lathe/engine";
import BuildScreen from "./ink/BuildScreen.tsx";
import type { TrialLabel } from "./ink/SweepTable.tsx";
import type { Renderer } from "./renderer.ts";
import { BuildState } from "./state.ts";

const FRAME_MS = 80;

export interface InkOptions {
  readonly stdout?: NodeJS.WriteStream;
  /** What is being built (the recipe path), shown in the footer. */
  readonly label?: string;
  /** A sweep's trials and the parameters they differ in, named in the live trial table. */
  readonly trials?: readonly TrialLabel[];
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
      label={opts.label}
      trials={opts.trials}
    />
  );
  // incrementalRendering: rewrite only the lines that changed (less output, no flicker on slow terminals).
  const ink = render(element(), { stdout, patchConsole: true, exitOnCtrlC: false, maxFps: 1000 / FRAME_MS, incrementalRendering: true });
  let dirty = false;
  let lastFrameAt = 0;
  const draw = () => {
    dirty = false;
    lastFrameAt = Date.now();
    frame = Math.floor(lastFrameAt / FRAME_MS);
    ink.rerender(element());
  };
  const timer = setInterval(() => {
    if (dirty || state.withStatus("running").length > 0) draw();
  }, FRAME_MS);

  return {
    onEvent(e: EngineEvent): void {
      const now = Date.now();
      state.apply(e, now);
      dirty = true;
      if (now - lastFrameAt >= FRAME_MS || e.type === "build-done") draw();
    },
    async close(): Promise<void> {
      clearInterval(timer);
      draw();
      ink.unmount();
      await ink.waitUntilExit();
    },
  };
}
