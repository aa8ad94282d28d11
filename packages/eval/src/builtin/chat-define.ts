// chat_define and chat_define_em: "What does ‘x’ mean?" about held-out WordNet words, asked in the chat layout.
// chat_define picks the definition among 4 (acc, acc_norm; chance 0.25); chat_define_em lets the model answer
// (greedy, up to the turn's <|end|>) and scores an exact match with the definition, ignoring case, punctuation and
// surrounding whitespace. Same seed and limit → both tasks ask the same questions.
import { WORDNET_DIALOGUE_VERSION } from "@lathe/data";
import { END } from "@lathe/tokenizer";
import type { Doc } from "../tasks/types.ts";
import { askContext, askedWord, heldOutItems, TURN_STOPS } from "./chat.ts";
import { type BuiltinTaskDef, loaded } from "./task.ts";

/**
 * Tokens an answer may take. Held-out definitions run to 134 characters (median 45, 2% over 120): at ~3 bytes a
 * token that is all but the longest few, and a 64-token model keeps 24 tokens for the question.
 */
export const DEFINE_MAX_GEN_TOKS = 40;

/**
 * exact_match's options for an answer: surrounding whitespace, case and punctuation ignored (hf evaluate's order:
 * the regex first, so "a tree ." keeps the space before its stripped period and does not match "a tree").
 */
export const ANSWER_MATCH = { ignore_case: true, ignore_punctuation: true, regexes_to_ignore: ["^\\s+|\\s+$"] } as const;

/** The define_mc items as documents: the question, its chat context, the 4 definitions and the gold index. */
function defineDocs(name: string, limit: number, seed: number): Doc[] {
  return heldOutItems(name, "define_mc", limit, seed).map((it) => ({
    word: askedWord(it.prompt) ?? "",
    prompt: it.prompt,
    context: askContext(it.prompt),
    answer: it.answer,
    // Each choice ends with the turn's <|end|>, so a choice is scored as the whole answer a fine-tuned model gives
    // (sft trains on exactly `definition<|end|>`): a definition that is a prefix of a longer one no longer wins on
    // length alone, and "stops here" counts. The base model has not learnt <|end|>: the closer costs every choice
    // about the same, so its acc stays a fair baseline. acc_norm's character count includes the 7 characters.
    choices: it.choices.map((c) => `${c}${END}`),
    label: it.gold,
  }));
}

export const chatDefine: BuiltinTaskDef = {
  name: "chat_define",
  about: "chat: pick a held-out word's definition among 4, scored as the assistant's whole answer (WordNet)",
  build({ limit, seed }) {
    const docs = defineDocs("chat_define", limit, seed);
    return loaded(
      {
        task: "chat_define",
        output_type: "multiple_choice",
        doc_to_text: "context",
        doc_to_choice: "choices",
        doc_to_target: "label",
        target_delimiter: "", // the answer follows <|assistant|> directly, as in the sft data
        num_fewshot: 0,
        metric_list: [
          { metric: "acc", aggregation: "mean", higher_is_better: true },
          { metric: "acc_norm", aggregation: "mean", higher_is_better: true },
        ],
        metadata: { version: 1, about: chatDefine.about, seed, limit, dialogue_version: WORDNET_DIALOGUE_VERSION },
      },
      docs,
      0.25,
    );
  },
};

export const chatDefineEm: BuiltinTaskDef = {
  name: "chat_define_em",
  about: "chat: define a held-out word; exact match with its WordNet definition (case, punctuation, outer spaces ignored)",
  build({ limit, seed }) {
    const docs = defineDocs("chat_define_em", limit, seed).map(({ word, prompt, context, answer }) => ({ word, prompt, context, answer }));
    return loaded(
      {
        task: "chat_define_em",
        output_type: "generate_until",
        doc_to_text: "context",
        doc_to_target: "answer",
        num_fewshot: 0,
        generation_kwargs: { until: TURN_STOPS, max_gen_toks: DEFINE_MAX_GEN_TOKS, do_sample: false },
        metric_list: [{ metric: "exact_match", aggregation: "mean", higher_is_better: true, ...ANSWER_MATCH }],
        metadata: { version: 1, about: chatDefineEm.about, seed, limit, dialogue_version: WORDNET_DIALOGUE_VERSION },
      },
      docs,
    );
  },
};
