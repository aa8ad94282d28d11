// The shared server cases (openai.case.ts, limits.case.ts) on the host engine. Run: bun test packages/serve/src/server
import { describe } from "bun:test";
import { limitsCases } from "./limits.case.ts";
import { openaiCases } from "./openai.case.ts";
import { hostKit } from "./test-engine.ts";

describe("host engine", () => {
  describe("openai client", () => openaiCases(hostKit));
  describe("limits", () => limitsCases(hostKit));
});
