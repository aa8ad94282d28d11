// The OpenAI-compatible server: startServer in front of a ServingEngine, and the host engine that backs it until the
// batched decoder does.
export { startServer, type ServerOptions, type RunningServer, type ServedModel } from "./server.ts";
export type { ServingEngine, EngineRequest, EngineStats, GeneratedToken, PromptTokenScore, TokenLogprob } from "./engine.ts";
export { hostEngine, type HostEngine, type HostEngineOptions } from "./host-engine.ts";
export type { ChatTemplate } from "./context.ts";
export { latheChatTemplate } from "./chat-template.ts";
export { plainChatPrompt } from "./chat.ts";
export type { ChatMessage } from "./validate.ts";
export { ApiError, ServerConfigError } from "./errors.ts";
export { SerialQueue, QueueAbortedError } from "./queue.ts";
