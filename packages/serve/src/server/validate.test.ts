// Request bodies → typed requests: defaults, every prompt form, neutral values of unsupported OpenAI fields, and the
// 400 (message and param) for each kind of bad body. Run: bun test packages/serve/src/server
import { describe, expect, test } from "bun:test";
import { ApiError } from "./errors.ts";
import { parseChat, parseCompletion } from "./validate.ts";

const M = { model: "m" };

function refusal(f: () => unknown): { param: string | null; message: string; status: number } {
  try {
    f();
  } catch (e) {
    if (e instanceof ApiError) return { param: e.param, message: e.message, status: e.status };
    throw e;
  }
  throw new Error("parsed without an error");
}

describe("completions", () => {
  test("a minimal body gets OpenAI's defaults", () => {
    expect(parseCompletion({ ...M, prompt: "hi" })).toEqual({
      model: "m", prompts: ["hi"], maxTokens: null, temperature: 1, topP: 1, topK: 0, seed: undefined, n: 1, stop: [],
      stream: false, includeUsage: false, logprobs: null, echo: false,
    });
  });

  const prompts: [string, unknown, unknown[]][] = [
    ["a string", "a", ["a"]],
    ["strings", ["a", "b"], ["a", "b"]],
    ["token ids", [1, 2], [[1, 2]]],
    ["token-id lists", [[1], [2, 3]], [[1], [2, 3]]],
  ];
  test.each(prompts)("a prompt of %s becomes a list of prompts", (_, prompt, want: unknown[]) => {
    expect(parseCompletion({ ...M, prompt }).prompts as unknown[]).toEqual(want);
  });

  test("what lm-evaluation-harness sends parses, with neutral OpenAI fields accepted and top_k -1 meaning off", () => {
    const r = parseCompletion({ ...M, prompt: [[1, 2]], temperature: 0, max_tokens: 1, logprobs: 1, seed: 1234, echo: true, presence_penalty: 0, best_of: 1, user: "u", top_k: -1 });
    expect([r.echo, r.logprobs, r.maxTokens, r.seed, r.topK]).toEqual([true, 1, 1, 1234, 0]);
  });

  const bad: [string, Record<string, unknown>, string | null, string][] = [
    ["no model", { prompt: "a" }, "model", "You must provide a model parameter."],
    ["no prompt", { ...M }, "prompt", "You must provide a prompt parameter."],
    ["a mixed prompt", { ...M, prompt: ["a", 1] }, "prompt", "prompt must be a string, an array of strings, an array of token ids, or an array of token-id arrays."],
    ["a negative token id", { ...M, prompt: [[1], [2, -1]] }, "prompt[1][1]", "Token ids must be non-negative integers, but got -1 at prompt[1][1]."],
    ["an unknown field", { ...M, prompt: "a", foo: 1 }, "foo", "Unrecognized request argument supplied: foo"],
    ["a decimal n", { ...M, prompt: "a", n: 1.5 }, "n", "Invalid type for 'n': expected an integer, but got a decimal instead."],
    ["n over the limit", { ...M, prompt: "a", n: 17 }, "n", "Invalid 'n': expected a value <= 16, but got 17 instead."],
    ["negative max_tokens", { ...M, prompt: "a", max_tokens: -1 }, "max_tokens", "Invalid 'max_tokens': expected a value >= 0, but got -1 instead."],
    ["top_p 0", { ...M, prompt: "a", top_p: 0 }, "top_p", "Invalid 'top_p': expected a value > 0, but got 0 instead."],
    ["logprobs over 20", { ...M, prompt: "a", logprobs: 21 }, "logprobs", "Invalid 'logprobs': expected a value <= 20, but got 21 instead."],
    ["a string echo", { ...M, prompt: "a", echo: "yes" }, "echo", "Invalid type for 'echo': expected a boolean, but got a string instead."],
    ["a number stop", { ...M, prompt: "a", stop: 3 }, "stop", "Invalid type for 'stop': expected a string or an array of strings, but got an integer instead."],
    ["an empty stop string", { ...M, prompt: "a", stop: [""] }, "stop", "Stop sequences must not be empty strings."],
    ["a presence penalty", { ...M, prompt: "a", presence_penalty: 0.5 }, "presence_penalty", "presence_penalty is not supported by this server; send 0 or leave it out, but got 0.5."],
    ["best_of above n", { ...M, prompt: "a", best_of: 3 }, "best_of", "best_of must equal n (1): this server does not rank candidates, but got 3."],
    ["stream_options without stream", { ...M, prompt: "a", stream_options: { include_usage: true } }, "stream_options", "stream_options is only allowed when stream is true."],
    ["a body that is not an object", [] as unknown as Record<string, unknown>, null, "The request body must be a JSON object, but got an array."],
  ];
  test.each(bad)("%s is a 400 naming the field", (_, body, param, message) => {
    expect(refusal(() => parseCompletion(body))).toEqual({ param, message, status: 400 });
  });
});

describe("chat", () => {
  test("text content parts are joined, max_completion_tokens stands for max_tokens, top_logprobs needs logprobs", () => {
    const r = parseChat({ ...M, messages: [{ role: "user", content: [{ type: "text", text: "a" }, { type: "text", text: "b" }], name: "x" }], max_completion_tokens: 4, logprobs: true, top_logprobs: 2 });
    expect([r.messages, r.maxTokens, r.logprobs]).toEqual([[{ role: "user", content: "ab" }], 4, 2]);
  });

  const bad: [string, Record<string, unknown>, string | null, string][] = [
    ["no messages", { ...M }, "messages", "You must provide a messages parameter."],
    ["empty messages", { ...M, messages: [] }, "messages", "messages must hold at least one message."],
    ["a message without content", { ...M, messages: [{ role: "user" }] }, "messages[0].content", "Invalid type for 'messages[0].content': expected a string or an array of text parts, but got nothing instead."],
    ["an image part", { ...M, messages: [{ role: "user", content: [{ type: "image_url", image_url: {} }] }] }, "messages[0].content[0]", 'Only text content parts ({"type": "text", "text": "..."}) are supported, but got {"type":"image_url","image_url":{}}.'],
    ["a tool call field", { ...M, messages: [{ role: "user", content: "a", tool_calls: [] }] }, "messages[0].tool_calls", "Unrecognized request argument supplied: messages[0].tool_calls"],
    ["top_logprobs without logprobs", { ...M, messages: [{ role: "user", content: "a" }], top_logprobs: 2 }, "top_logprobs", "top_logprobs needs logprobs: true."],
    ["a JSON response format", { ...M, messages: [{ role: "user", content: "a" }], response_format: { type: "json_object" } }, "response_format", 'Only response_format {"type": "text"} is supported, but got {"type":"json_object"}.'],
    ["tools", { ...M, messages: [{ role: "user", content: "a" }], tools: [] }, "tools", "Unrecognized request argument supplied: tools"],
  ];
  test.each(bad)("%s is a 400 naming the field", (_, body, param, message) => {
    expect(refusal(() => parseChat(body))).toEqual({ param, message, status: 400 });
  });
});
