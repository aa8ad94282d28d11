// chat_synonym: "Give a synonym of ‘x’." about held-out WordNet words, asked in the chat layout; the model answers
// (greedy, up to the turn's <|end|>) and scores synonym_reward: 1 when the answer names one of the word's synonyms,
// by @lathe/data's rewardNamesLemma — the same judgement the rl stage rewards, so the number means the same there.
import { rewardNamesLemma, WORDNET_DIALOGUE_VERSION } from "@lathe/data";
import { registerMetric } from "../tasks/metrics.ts";
import type { Doc } from "../tasks/types.ts";
import { askContext, askedWord, heldOutItems, TURN_STOPS } from "./chat.ts";
import { type BuiltinTaskDef, loaded } from "./task.ts";

/** Tokens an answer may take: a word or two, and room to ramble before a miss. */
export const SYNONYM_MAX_GEN_TOKS = 16;

// generate_until, list target (the synonyms): 1 when rewardNamesLemma(generation, synonyms) is, averaged.
registerMetric("synonym_reward", { outputTypes: ["generate_until"], aggregation: "mean", higherIsBetter: true, score: (pred, synonyms) => rewardNamesLemma(pred, synonyms) });

export const chatSynonym: BuiltinTaskDef = {
  name: "chat_synonym",
  about: "chat: give a synonym of a held-out word; reward 1 when the answer names a WordNet synonym",
  build({ limit, seed }) {
    const docs: Doc[] = heldOutItems("chat_synonym", "rl", limit, seed).map((it) => ({ word: askedWord(it.prompt) ?? "", prompt: it.prompt, context: askContext(it.prompt), answers: it.answers }));
    return loaded(
      {
        task: "chat_synonym",
        output_type: "generate_until",
        doc_to_text: "context",
        doc_to_target: "answers",
        num_fewshot: 0,
        generation_kwargs: { until: TURN_STOPS, max_gen_toks: SYNONYM_MAX_GEN_TOKS, do_sample: false },
        metric_list: [{ metric: "synonym_reward", aggregation: "mean", higher_is_better: true }],
        metadata: { version: 1, about: chatSynonym.about, seed, limit, dialogue_version: WORDNET_DIALOGUE_VERSION },
      },
      docs,
    );
  },
};
