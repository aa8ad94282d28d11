// chat_loss: the held-out conversation loss, the number the sft stage minimises, on conversations about held-out
// words: per conversation, −ln p of the assistant's answer and its closing <|end|> (the tokens the sft loss mask
// covers) given the rendered conversation up to <|assistant|>; reported as `loss`, nats per token, token-weighted
// over the conversations (Σ nll / Σ tokens). Lower is better.
import { WORDNET_DIALOGUE_VERSION } from "@lathe/data";
import { END } from "@lathe/tokenizer";
import type { Doc } from "../tasks/types.ts";
import { askedWord, chatContext, heldOutItems } from "./chat.ts";
import { BuiltinTaskError } from "./errors.ts";
import { type BuiltinTaskDef, loaded } from "./task.ts";

export const chatLoss: BuiltinTaskDef = {
  name: "chat_loss",
  about: "chat: loss of the assistant's answers in held-out conversations (nats per token, lower is better)",
  build({ limit, seed }) {
    const docs: Doc[] = heldOutItems("chat_loss", "sft", limit, seed).map((it, i) => {
      const last = it.messages.at(-1);
      if (last?.role !== "assistant")
        throw new BuiltinTaskError("builtin:chat_loss", `held-out sft item ${i} ends with a ${JSON.stringify(last?.role)} message, not the assistant's`, "wordnetDialogue's sft items must end with the assistant's answer");
      return { word: askedWord(it.messages[0]?.content ?? "") ?? "", context: chatContext(it.messages.slice(0, -1)), continuation: `${last.content}${END}` };
    });
    return loaded(
      {
        task: "chat_loss",
        output_type: "loglikelihood",
        doc_to_text: "context",
        doc_to_target: "continuation",
        num_fewshot: 0,
        metric_list: [{ metric: "loss", aggregation: "weighted_mean", higher_is_better: false }],
        metadata: { version: 1, about: chatLoss.about, seed, limit, dialogue_version: WORDNET_DIALOGUE_VERSION },
      },
      docs,
    );
  },
};
