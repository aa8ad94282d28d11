// Prints a few items of each dialogue task, train and held-out, for a person to read.
// Run: bun packages/data/src/wordnet/dialogue-preview.ts [seed]
import { DIALOGUE_TASKS, wordnetDialogue } from "./dialogue.ts";

const seed = Number(process.argv[2] ?? 0);
for (const split of ["train", "heldout"] as const) {
  for (const task of DIALOGUE_TASKS) {
    console.log(`── ${task} / ${split} (seed ${seed})`);
    for (const item of wordnetDialogue({ task, split, limit: 5, seed })) console.log(JSON.stringify(item));
  }
}
