// The interactive part of `lathe rate`: mounts the blind RateScreen over prepared outputs, appends every judgement to
// the ratings file as it is made (so quitting or a crash loses nothing already rated), then summarizes the file.
import React from "react";
import { render } from "ink";
import { appendRating, CRITERIA, readRatings, summarizeRatings, type Rating, type RatingSummary } from "@lathe/eval";
import RateScreen, { type RateExit, type RateItem } from "../ui/ink/RateScreen.tsx";

export interface RunRateOptions {
  /** Prompts with each system's output; every item must hold both `systems`. */
  readonly items: readonly RateItem[];
  /** The two systems compared (stage ids), e.g. ["train", "sft"]. */
  readonly systems: readonly [string, string];
  /** JSONL file the ratings are appended to (created with its folder if missing). */
  readonly ratingsFile: string;
  /** Seeds which system is shown as "A" on each item. */
  readonly seed: number;
  /** @default process.stdin (must be a TTY: keys are read in raw mode) */
  readonly stdin?: NodeJS.ReadStream;
  /** @default process.stdout */
  readonly stdout?: NodeJS.WriteStream;
  /** Clock for the ratings' `at`. @default () => new Date() */
  readonly now?: () => Date;
}

export interface RateRun extends RateExit {
  /** Everything in the ratings file after this session (earlier sessions too), in `systems` order. */
  readonly summary: RatingSummary;
}

/** Rating cannot start: bad items, or no terminal to read keys from. */
export class RateInputError extends Error {
  override readonly name = "RateInputError";
  constructor(
    readonly problem: string,
    readonly hint: string,
  ) {
    super(`lathe rate: ${problem}. Hint: ${hint}`);
  }
}

function check(opts: RunRateOptions, stdin: NodeJS.ReadStream): void {
  const [a, b] = opts.systems;
  if (a === b || a === "tie" || b === "tie")
    throw new RateInputError(`cannot compare ${JSON.stringify(opts.systems)}`, 'pick two different stages, neither named "tie"');
  for (const [i, item] of opts.items.entries())
    for (const s of opts.systems)
      if (typeof item.outputs[s] !== "string")
        throw new RateInputError(
          `item ${i + 1} (prompt ${JSON.stringify(item.prompt.slice(0, 40))}) has no output from "${s}" (it has: ${Object.keys(item.outputs).join(", ") || "none"})`,
          "generate every prompt with both stages before rating",
        );
  if (opts.items.length > 0 && !stdin.isTTY) throw new RateInputError("stdin is not a terminal", "run lathe rate in an interactive terminal; keys are read one at a time");
}

/** Runs one rating session; resolves when the rater finishes or quits and every judgement is on disk. */
export async function runRate(opts: RunRateOptions): Promise<RateRun> {
  const stdin = opts.stdin ?? process.stdin;
  const stdout = opts.stdout ?? process.stdout;
  check(opts, stdin);
  let exit: RateExit | null = null;
  let votes = 0;
  let scored = 0;
  if (opts.items.length > 0) {
    let writes = Promise.resolve();
    let failure: unknown = null;
    const onRate = (r: Rating) => {
      if ("systems" in r) votes++;
      else scored++;
      // Appends run one after another in rating order; the first failure stops the session.
      writes = writes
        .then(() => (failure === null ? appendRating(opts.ratingsFile, r) : undefined))
        .catch((e: unknown) => {
          failure ??= e;
          ink.unmount();
        });
    };
    const screen = React.createElement(RateScreen, {
      items: opts.items,
      systems: opts.systems,
      seed: opts.seed,
      onRate,
      onExit: (e: RateExit) => {
        exit = e;
        setImmediate(() => ink.unmount()); // after the closing frame is drawn
      },
      columns: stdout.columns || 100,
      ...(opts.now ? { now: opts.now } : {}),
    });
    const ink = render(screen, { stdin, stdout, patchConsole: false });
    await ink.waitUntilExit();
    await writes;
    if (failure !== null) throw failure;
  }
  const done: RateExit = (exit as RateExit | null) ?? { quit: true, rated: votes + Math.floor(scored / 2), skipped: 0 }; // Ctrl-C
  const summary = summarizeRatings(await readRatings(opts.ratingsFile), { order: opts.systems });
  return { ...done, summary };
}

const f3 = (x: number) => x.toFixed(3);
const f2 = (x: number) => x.toFixed(2);
const pad = (s: string, w: number) => s.padEnd(w);

/** The summary as plain text for a terminal: votes per pair, Bradley–Terry Elo when fitted, mean scores, notes. */
export function formatRatingSummary(s: RatingSummary): string {
  if (s.pairs.length === 0 && s.scores.length === 0) return "no ratings yet\n";
  const out: string[] = [];
  if (s.pairs.length > 0) {
    out.push("votes (win rate counts a tie as half)");
    const w = Math.max(...s.pairs.map((p) => `${p.a} vs ${p.b}`.length));
    for (const p of s.pairs)
      out.push(`  ${pad(`${p.a} vs ${p.b}`, w)}  ${p.wins} wins · ${p.losses} losses · ${p.ties} ties  ${p.a} win rate ${f3(p.winRate)} (n=${p.n})`);
  }
  const bt = s.bradleyTerry;
  if (bt) {
    out.push("strength (Bradley–Terry, Elo scale, mean 1000)");
    const w = Math.max(...bt.strengths.map((x) => x.system.length));
    for (const x of [...bt.strengths].sort((a, b) => b.elo - a.elo))
      out.push(`  ${pad(x.system, w)}  ${x.elo.toFixed(0).padStart(4)}  (${x.wins} of ${x.n} won)`);
  }
  if (s.scores.length > 0) {
    out.push("scores 1–5 (mean ± stderr)");
    const w = Math.max(6, ...s.scores.map((x) => x.system.length));
    out.push(`  ${pad("system", w)}  ${CRITERIA.map((c) => pad(c, 12)).join("  ")}  n`);
    for (const x of s.scores) {
      const cells = CRITERIA.map((c) => {
        const st = x.criteria[c];
        return pad(st.stderr === undefined ? f2(st.mean) : `${f2(st.mean)} ± ${f2(st.stderr)}`, 12);
      });
      out.push(`  ${pad(x.system, w)}  ${cells.join("  ")}  ${x.criteria.fluency.n}`);
    }
  }
  for (const n of s.notes) out.push(`note: ${n}`);
  return `${out.join("\n")}\n`;
}
