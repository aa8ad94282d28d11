// llm.c as a same-minutes anchor for `bun run bench train --llmc <binary>`: run the binary, read the per-step times
// it prints (train_gpt2.c: "step 3: train loss 5.1 (took 131.2 ms)"), and turn rounds of Lathe and llm.c, run
// alternately, into ratios. A ratio to llm.c is only printed from such a run: the machine's speed moves by the minute.

/** Per-step wall times (ms) from llm.c's output, in step order, the first (warm-up) step dropped. */
export function parseLlmcSteps(output: string): number[] {
  const ms = [...output.matchAll(/^step\s+\d+\s*:.*\(took\s+([0-9.]+)\s*ms\)/gm)].map((m) => Number(m[1]));
  return ms.slice(1);
}

/** The median of xs (the upper one of an even count), NaN for none. */
export function median(xs: readonly number[]): number {
  return xs.length === 0 ? NaN : [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
}

export class LlmcRunError extends Error {
  override readonly name = "LlmcRunError";
  constructor(
    readonly command: readonly string[],
    readonly reason: string,
    readonly output: string,
  ) {
    super(`llm.c run \`${command.join(" ")}\` ${reason}. Hint: --llmc takes a binary that prints "step N: ... (took X ms)" per step, like llm.c's train_gpt2.c built at the bench's shape (see docs/performance.md); its last output:\n${output.slice(-600)}`);
  }
}

/** Run the llm.c binary once and return its warm per-step times (ms). */
export async function runLlmc(command: readonly string[], timeoutMs = 600_000): Promise<number[]> {
  const proc = Bun.spawn([...command], { stdout: "pipe", stderr: "pipe" });
  const timer = setTimeout(() => proc.kill(), timeoutMs);
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  clearTimeout(timer);
  const steps = parseLlmcSteps(out);
  if (code !== 0 && steps.length === 0) throw new LlmcRunError(command, `exited with ${code}`, out + err);
  if (steps.length === 0) throw new LlmcRunError(command, "printed fewer than two step times", out + err);
  return steps;
}

/** One round: the median step of each side, and Lathe's speed as a multiple of llm.c's (llm.c ms / Lathe ms). */
export interface Round {
  readonly lathe_ms: number;
  readonly llmc_ms: number;
  readonly ratio: number;
}

export function round(latheStepMs: readonly number[], llmcStepMs: readonly number[]): Round {
  const lathe = median(latheStepMs);
  const llmc = median(llmcStepMs);
  return { lathe_ms: +lathe.toFixed(1), llmc_ms: +llmc.toFixed(1), ratio: +(llmc / lathe).toFixed(3) };
}

/** The ratio over rounds: median and spread (min, max). */
export function spread(rounds: readonly Round[]): { readonly median: number; readonly min: number; readonly max: number } {
  const r = rounds.map((x) => x.ratio);
  return { median: median(r), min: Math.min(...r), max: Math.max(...r) };
}
