// A task as lm-evaluation-harness's task YAML describes it (the documented subset Lathe reads; field names are the
// harness's), and a task ready to run: its config plus its documents. Shipped YAML tasks, user YAML tasks and the
// built-in offline tasks all become a LoadedTask.

export type Doc = Readonly<Record<string, unknown>>;

export type OutputType = "multiple_choice" | "loglikelihood" | "loglikelihood_rolling" | "generate_until";

export interface MetricSpec {
  readonly metric: string; // acc, acc_norm, mc1, mc2, exact_match, contains_any, bleu, chrf, perplexity, loss, word_perplexity, byte_perplexity, bits_per_byte, or a registered one
  readonly aggregation?: string;
  readonly higher_is_better?: boolean;
  readonly ignore_case?: boolean;
  readonly ignore_punctuation?: boolean;
  /** Each match of each regex is removed from prediction and reference before the other options apply (hf evaluate's exact_match). */
  readonly regexes_to_ignore?: readonly string[];
}

export interface TaskConfig {
  readonly task: string;
  /** Shown in results instead of the task name (`alias`). */
  readonly task_alias?: string;
  readonly tag?: string | readonly string[];
  readonly output_type: OutputType;
  /** Local path, or the dataset's name when data_files says where its files are. */
  readonly dataset_path?: string;
  readonly dataset_name?: string | null;
  /** split → file (local path, or an https URL that must carry "#sha256=<hex>"), JSONL / Parquet / CSV. */
  readonly data_files?: Readonly<Record<string, string | readonly string[]>>;
  readonly training_split?: string | null;
  readonly validation_split?: string | null;
  readonly test_split?: string | null;
  readonly fewshot_split?: string | null;
  /** Name of a registered TypeScript function (shipped tasks), as `!function utils.name` in the YAML. */
  readonly process_docs?: string | null;
  /** Name of a registered per-document scoring function (`!function utils.name`); replaces the metrics' own scoring. */
  readonly process_results?: string | null;
  /** Few-shot sampler: "default" (seeded random draw) or "first_n" (the split's first n, in order). */
  readonly fewshot_config?: { readonly sampler?: "default" | "first_n" };
  /** Jinja templates (or a column name, or for doc_to_target/doc_to_choice a literal). */
  readonly doc_to_text: string;
  readonly doc_to_target: string | number;
  readonly doc_to_choice?: string | readonly string[] | null;
  readonly doc_to_decontamination_query?: string | null;
  readonly should_decontaminate?: boolean;
  readonly description?: string;
  readonly target_delimiter?: string; // default " "
  readonly fewshot_delimiter?: string; // default "\n\n"
  readonly num_fewshot?: number; // default 0
  readonly generation_kwargs?: { readonly until?: readonly string[]; readonly max_gen_toks?: number; readonly do_sample?: boolean; readonly temperature?: number };
  readonly metric_list?: readonly MetricSpec[];
  readonly metadata?: { readonly version?: number | string } & Readonly<Record<string, unknown>>;
}

/** A group task file (`group:` + `task:` list), e.g. mmlu and its categories. */
export interface GroupConfig {
  readonly group: string;
  readonly group_alias?: string;
  /** Task names, group names or tags. */
  readonly task: readonly string[];
  readonly aggregate_metric_list?: readonly { readonly metric: string; readonly aggregation?: string; readonly weight_by_size?: boolean }[];
  readonly metadata?: { readonly version?: number | string } & Readonly<Record<string, unknown>>;
}

export interface LoadedTask {
  readonly config: TaskConfig;
  /** Where the config came from (a YAML file path, or "builtin:<name>"), for errors and results. */
  readonly source: string;
  /** The split scored, already through process_docs. */
  readonly docs: readonly Doc[];
  /** Where few-shot examples are drawn from (fewshot_split, else training/validation split); empty when none. */
  readonly fewshotDocs: readonly Doc[];
  /** Chance level of the main metric (e.g. 0.25 for 4 choices), when it has one. */
  readonly chance?: number;
  /** Documents in the scored split before a load-time limit (results' n-samples.original); docs.length when absent. */
  readonly totalDocs?: number;
  /** Set on a group: its config and its children (tasks or groups); docs are then empty. */
  readonly group?: { readonly config: GroupConfig; readonly children: readonly LoadedTask[] };
}
