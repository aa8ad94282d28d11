// The chat layout as a Jinja chat template (Hugging Face tokenizer_config.json `chat_template`: `messages`,
// `add_generation_prompt`, `bos_token`), and the tokenizer_config.json written next to an exported tokenizer.json,
// so `tokenizer.apply_chat_template(messages)` renders exactly renderChatText(messages).
import { join } from "node:path";
import { writeFileAtomic } from "../atomic.ts";
import { EOT, CHAT_TOKENS, UNK } from "../presets.ts";
import { END, ROLE_ALIASES } from "./render.ts";

/** `<|role|>` of a message, aliases resolved (generated from ROLE_ALIASES, the one place the mapping lives). */
const roleExpr = [...ROLE_ALIASES].reduceRight(
  (rest, [alias, role]) => `{% if message['role'] == '${alias}' %}{{ '<|${role}|>' }}{% else %}${rest}{% endif %}`,
  "{{ '<|' + message['role'] + '|>' }}",
);

/** One line, so trim_blocks/lstrip_blocks settings cannot change the output. bos_token is <|endoftext|>. */
export const CHAT_TEMPLATE =
  "{{ bos_token }}{% for message in messages %}" +
  `${roleExpr}{{ message['content'] }}{{ '${END}' }}` +
  "{% endfor %}{% if add_generation_prompt %}{{ '<|assistant|>' }}{% endif %}";

export interface HfTokenizerConfigOptions {
  /** The model's context length (tokens); omitted from the file when unknown. */
  readonly modelMaxLength?: number;
}

type AddedToken = { id: number; content: string };

/**
 * The tokenizer_config.json object for a HF tokenizer.json object (exportHfTokenizer's output). It carries
 * `chat_template` only when the tokenizer reserves every chat token; eos_token is then <|end|>, where a chat
 * turn (and generation) ends, else <|endoftext|>.
 */
export function hfTokenizerConfig(hfTokenizer: unknown, opts: HfTokenizerConfigOptions = {}): Record<string, unknown> {
  const added = ((hfTokenizer as { added_tokens?: AddedToken[] } | null)?.added_tokens ?? []).filter((t) => typeof t.content === "string");
  const has = (s: string) => added.some((t) => t.content === s);
  const chat = has(EOT) && CHAT_TOKENS.every(has);
  const decoder = Object.fromEntries(
    added.map((t) => [String(t.id), { content: t.content, lstrip: false, normalized: false, rstrip: false, single_word: false, special: true }]),
  );
  return {
    tokenizer_class: "PreTrainedTokenizerFast",
    ...(has(EOT) ? { bos_token: EOT, eos_token: chat ? END : EOT } : {}),
    ...(has(UNK) ? { unk_token: UNK } : {}),
    ...(opts.modelMaxLength !== undefined ? { model_max_length: opts.modelMaxLength } : {}),
    clean_up_tokenization_spaces: false, // byte-level decoding is exact; HF's cleanup would change " ." etc.
    added_tokens_decoder: decoder,
    ...(chat ? { chat_template: CHAT_TEMPLATE } : {}),
  };
}

/** Writes tokenizer_config.json into dir (beside tokenizer.json); returns its path. */
export function writeHfTokenizerConfig(dir: string, hfTokenizer: unknown, opts: HfTokenizerConfigOptions = {}): string {
  const path = join(dir, "tokenizer_config.json");
  writeFileAtomic(path, `${JSON.stringify(hfTokenizerConfig(hfTokenizer, opts), null, 2)}\n`);
  return path;
}
