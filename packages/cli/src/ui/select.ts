// Picks the build renderer: --json → JSON lines, a TTY (and not --plain, not CI) → Ink, otherwise plain lines.
import { createJsonRenderer } from "./json.ts";
import { createPlainRenderer } from "./plain.ts";
import { exitOnBrokenPipe } from "./pipe.ts";
import type { TrialLabel } from "./ink/SweepTable.tsx";
import type { Renderer } from "./renderer.ts";

export interface RendererChoice {
  readonly json?: boolean;
  readonly plain?: boolean;
  /** Where the build view goes; domain commands (sample) send it to stderr to keep stdout for their output. */
  readonly stream?: NodeJS.WriteStream;
  /** What is being built (the recipe path), shown in the header or footer. */
  readonly label?: string;
  /** A sweep's trials and the parameters they differ in, for the Ink view's live trial table. */
  readonly trials?: readonly TrialLabel[];
}

/** Async because Ink (and React) load only when a terminal will show them (~130 ms saved for --plain and --json). */
export async function selectRenderer(choice: RendererChoice): Promise<Renderer> {
  const stream = choice.stream ?? process.stdout;
  const writeLine = (line: string) => {
    try {
      stream.write(`${line}\n`);
    } catch (e) {
      exitOnBrokenPipe(e);
      throw e;
    }
  };
  if (choice.json) return createJsonRenderer(writeLine, choice.label !== undefined ? { recipe: choice.label } : {});
  if (choice.plain || !stream.isTTY || process.env.CI || process.env.TERM === "dumb") return createPlainRenderer({ write: writeLine, label: choice.label });
  const { createInkRenderer } = await import("./ink.tsx");
  return createInkRenderer({ stdout: stream, label: choice.label, trials: choice.trials });
}
