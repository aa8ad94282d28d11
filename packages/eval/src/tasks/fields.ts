// The task-file fields Lathe reads (a subset of lm-evaluation-harness's TaskConfig/GroupConfig, same names), each
// with the shape its value must have. Any other field is an error; tasks/README.md documents the same table.

export type FieldKind =
  | "string"
  | "string?" // string or null
  | "int"
  | "bool"
  | "number"
  | "template" // string, or an int literal
  | "choices" // string (column or template), or a list of strings
  | "strings" // string or list of strings
  | "function" // !function module.name
  | "map"
  | "list";

export const TASK_FIELDS: Readonly<Record<string, FieldKind>> = {
  task: "string",
  task_alias: "string",
  tag: "strings",
  output_type: "string",
  dataset_path: "string",
  dataset_name: "string?",
  data_files: "map",
  training_split: "string?",
  validation_split: "string?",
  test_split: "string?",
  fewshot_split: "string?",
  process_docs: "function",
  process_results: "function",
  doc_to_text: "template",
  doc_to_target: "template",
  doc_to_choice: "choices",
  doc_to_decontamination_query: "string?",
  should_decontaminate: "bool",
  description: "string",
  target_delimiter: "string",
  fewshot_delimiter: "string",
  num_fewshot: "int",
  fewshot_config: "map",
  generation_kwargs: "map",
  metric_list: "list",
  metadata: "map",
  include: "string",
};

export const GROUP_FIELDS: Readonly<Record<string, FieldKind>> = {
  group: "string",
  group_alias: "string",
  task: "strings",
  aggregate_metric_list: "list",
  metadata: "map",
  include: "string",
};

export const OUTPUT_TYPES = ["multiple_choice", "loglikelihood", "loglikelihood_rolling", "generate_until"] as const;
export const METRIC_KEYS = ["metric", "aggregation", "higher_is_better", "ignore_case", "ignore_punctuation", "regexes_to_ignore"] as const;
export const GENERATION_KEYS = ["until", "max_gen_toks", "do_sample", "temperature"] as const;
export const FEWSHOT_CONFIG_KEYS = ["sampler"] as const;
export const AGGREGATE_METRIC_KEYS = ["metric", "aggregation", "weight_by_size"] as const;

/** Harness fields outside the subset, named so the error can say so rather than "unknown". */
export const HARNESS_ONLY_FIELDS = new Set([
  "dataset_kwargs", "custom_dataset", "filter_list", "repeats", "use_prompt", "gen_prefix", "doc_to_image", "doc_to_audio",
  "unsafe_code", "output_type_kwargs", "fewshot_as_multiturn", "class", "group_alias_override",
]);

/** The closest name by edit distance (for "did you mean"), when close enough. */
export function closest(name: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const n of names) {
    const d = editDistance(name, n);
    if (d < bestD) {
      bestD = d;
      best = n;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}
