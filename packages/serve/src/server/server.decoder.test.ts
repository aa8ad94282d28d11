// The shared server cases (openai.case.ts, limits.case.ts) on the decoder engine. Run: bun test packages/serve/src/server
import { describe } from "bun:test";
import { limitsCases } from "./limits.case.ts";
import { openaiCases } from "./openai.case.ts";
import { decoderKit } from "./test-engine.ts";

describe("decoder engine", () => {
  describe("openai client", () => openaiCases(decoderKit));
  describe("limits", () => limitsCases(decoderKit));
});
