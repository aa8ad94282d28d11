// What each fine-tuning kind gives the shared loop (train/loop.ts): the params it trains, one step's objective,
// its held-out evaluation and its data position. Dimension letters: B rows, T context.
import type { Device } from "@lathe/gpu";
import type { ChatRecord, Tokenizer } from "@lathe/tokenizer";
import type { LoaderState } from "@lathe/tokenizer";
import type { LanguageModel } from "../nn/model.ts";
import type { Param } from "../nn/params.ts";
import type { StepResult } from "../train/loop.ts";
import type { FinetuneStageConfig } from "./config.ts";

export interface Method {
  readonly params: readonly Param[];
  objective(step: number): Promise<StepResult>;
  evaluate(step: number): Promise<Record<string, number>>;
  readonly data: { state(): LoaderState; restore(s: LoaderState): void };
  close?(): Promise<void>;
}

export interface MethodContext {
  readonly dev: Device;
  readonly stage: FinetuneStageConfig;
  readonly seed: number;
  readonly tok: Tokenizer;
  /** The model being trained, loaded from the parent stage. */
  readonly policy: LanguageModel;
  /** The parent model again, frozen (dpo and rl's reference); made on demand. */
  reference(): Promise<LanguageModel>;
  readonly train: readonly ChatRecord[];
  readonly heldout: readonly ChatRecord[];
  /** Pretraining shards (sft with mix_pretrain). */
  readonly packDir?: string;
  /** A reward stage's output (rl with reward: model). */
  readonly rewardDir?: string;
  log(line: string): void;
}

/** A loader position for a data stream of records (epoch, cursor), in the checkpoint's LoaderState slot. */
export function streamState(epoch: number, cursor: number, extra: Record<string, unknown> = {}): LoaderState {
  return { mode: "random", seed: 0, B: 0, T: 0, epoch, cursor, ...extra } as LoaderState;
}
