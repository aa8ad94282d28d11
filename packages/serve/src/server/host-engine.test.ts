// The host engine's pure parts: top-k selection, and merging the scorer's value for the prompt's own token into the
// host model's alternatives. Run: bun test packages/serve/src/server
import { expect, test } from "bun:test";
import { mergeTop, topOf } from "./host-engine.ts";
import { latheChatTemplate } from "./chat-template.ts";

test.each([
  [[0.1, 0.5, 0.3, 0.5], 2, [1, 3]],
  [[0.1, 0.5, 0.3], 5, [1, 2, 0]],
  [[-3, -1, -2], 1, [1]],
])("topOf(%p, %d) picks ids %p, largest first and ties by smaller id", (lp, k, ids) => {
  expect(topOf(Float64Array.from(lp), k).map((t) => t.token)).toEqual(ids);
});

const host = [{ token: 4, logprob: -0.5 }, { token: 7, logprob: -1.0 }, { token: 2, logprob: -2.0 }];
test.each([
  ["a greedy token comes first with the scorer's value", 4, -0.50001, true, [[4, -0.50001], [7, -1.0]]],
  ["a greedy token the host ranks second still comes first, others capped at its value", 7, -0.7, true, [[7, -0.7], [4, -0.7]]],
  ["a non-greedy token in the list takes the scorer's value", 7, -0.9, false, [[4, -0.5], [7, -0.9]]],
  ["a non-greedy token outside the list leaves it alone", 9, -5, false, [[4, -0.5], [7, -1.0]]],
] as const)("%s", (_, token, logprob, greedy, want) => {
  expect(mergeTop(token, logprob, greedy, host, 2).map((t) => [t.token, t.logprob])).toEqual(want.map((x) => [...x]));
});

test("the Lathe chat template lays messages out as the pack stage does and opens the assistant's turn", () => {
  expect(latheChatTemplate([{ role: "developer", content: "Be kind." }, { role: "user", content: "Hi" }])).toBe("<|endoftext|><|system|>Be kind.<|end|><|user|>Hi<|end|><|assistant|>");
});
