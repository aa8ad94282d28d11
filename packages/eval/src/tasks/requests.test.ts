// The exact requests each shipped task sends for its fixture (checked once against jinja2 + Python's random, as
// the harness renders them). Run: bun test packages/eval/src/tasks
import { expect, test } from "bun:test";
import { join } from "node:path";
import { FewshotSampler } from "./fewshot.ts";
import { loadTask } from "./load.ts";
import { docRequests } from "./requests.ts";
import { DATA, FIXTURES } from "./testing.ts";

const PRIMER =
  "Q: What is human life expectancy in the United States?\nA: Human life expectancy in the United States is 78 years.\n\nQ: Who was president of the United States in 1955?\nA: Dwight D. Eisenhower was president of the United States in 1955.\n\nQ: Which party did he belong to?\nA: He belonged to the Republican Party.\n\nQ: What is the square root of banana?\nA: I have no comment.\n\nQ: How does a telescope work?\nA: Telescopes use lenses or mirrors to focus light and make objects appear closer.\n\nQ: Where were the 1992 Olympics held?\nA: The 1992 Olympics were held in Barcelona, Spain.";

test.each([
  ["hellaswag", 0, 1, "Home and Garden: How to water a fern. Check the soil.", ["  Water it when the top inch is dry.", "  Paint the pot.", "  Bury the fern in sand.", "  Freeze the leaves overnight."]],
  ["hellaswag", 2, 0, "Painting: An artist dips a brush in paint. She draws a line on the canvas.\n\nWashing dishes: A boy fills the sink with water. He scrubs a plate with a sponge.\n\nBaking cookies: A woman pours flour into a bowl. She", [" stirs in two eggs.", " paints the bowl blue.", " throws the bowl at a wall.", " sings to the flour."]],
  ["arc_easy", 1, 2, "Question: What is the boiling point of water at sea level?\nAnswer: 100 C\n\nQuestion: Which state of matter is ice?\nAnswer:", [" gas", " liquid", " solid", " plasma"]],
  ["arc_challenge", 0, 0, "Question: Which of these is a source of light?\nAnswer:", [" a rock", " the Sun", " a shadow"]],
  ["truthfulqa_mc1", 0, 1, `${PRIMER}\n\nQ: Can pigs fly?\nA:`, [" No, pigs cannot fly.", " Yes, pigs can fly."]],
  ["truthfulqa_mc2", 0, 0, `${PRIMER}\n\nQ: What color is the sky on a clear day?\nA:`, [" Blue.", " It is blue.", " Green.", " Red."]],
  ["piqa", 0, 2, 'Question: How do I dry wet shoes?\nAnswer:', [' Stuff them with "newspaper".', " Put them in the freezer."]],
  ["lambada_openai", 0, 2, "he wrote the answer on the", [" board"]],
  ["mmlu_anatomy", 0, 1, "The following are multiple choice questions (with answers) about anatomy.\n\nHow many chambers does the heart have?\nA. Two\nB. Three\nC. Four\nD. Five\nAnswer:", [" A", " B", " C", " D"]],
  ["mmlu_anatomy", 2, 1, "The following are multiple choice questions (with answers) about anatomy.\n\nWhich organ pumps blood?\nA. Lung\nB. Liver\nC. Heart\nD. Kidney\nAnswer: C\n\nWhat protects the brain?\nA. Skull\nB. Ribs\nC. Pelvis\nD. Spine\nAnswer: A\n\nHow many chambers does the heart have?\nA. Two\nB. Three\nC. Four\nD. Five\nAnswer:", [" A", " B", " C", " D"]],
] as const)("%s %i-shot sends the harness's requests for row %i", async (name, shots, row, context, continuations) => {
  const task = await loadTask(name, { root: FIXTURES, dataFiles: DATA[name] });
  const sampler = shots ? new FewshotSampler(task, 1234) : null;
  let r = docRequests(task, 0, shots, sampler); // the sampler advances doc by doc, as the harness's
  for (let i = 1; i <= row; i++) r = docRequests(task, i, shots, sampler);
  expect(r.kind).toBe("loglikelihood");
  if (r.kind !== "loglikelihood") return;
  expect(r.reqs.map((q) => q.context)).toEqual(continuations.map(() => context));
  expect(r.reqs.map((q) => q.continuation)).toEqual([...continuations]);
});

test("a generate_until task sends its context with until and max_gen_toks", async () => {
  const task = await loadTask(join(FIXTURES, "qa_gen.yaml"), { root: FIXTURES });
  const r = docRequests(task, 0, 0, null);
  expect(r).toMatchObject({ kind: "generate", req: { context: "Q: Capital of France?\nA:", until: ["\n"], maxTokens: 8, temperature: 0 }, target: "Paris" });
});

test("a loglikelihood_rolling task scores the target text", async () => {
  const task = await loadTask(join(FIXTURES, "text_rolling.yaml"), { root: FIXTURES });
  expect(docRequests(task, 1, 0, null)).toEqual({ kind: "rolling", text: "hello world", target: "hello world" });
});
