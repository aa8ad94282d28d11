// @lathe/serve — see ARCHITECTURE.md: serving and deploying trained models.

/** GGUF export (llama.cpp's gpt2 architecture): the `lathe export --format gguf` backend. */
export { exportGguf, type ExportGgufOptions } from "./gguf/export.ts";
export { gpt2Refusal, preTokenizerFor } from "./gguf/gpt2.ts";
export { encodeGguf, writeGgufFile, kv, type GgufKv, type GgufTensor } from "./gguf/writer.ts";
export { readGguf, decodeGguf, tensorValues, type GgufFile, type GgufTensorInfo } from "./gguf/reader.ts";
export { GgufExportError, GgufWriteError, GgufFormatError } from "./gguf/errors.ts";

/** The OpenAI-compatible server (`lathe serve`): startServer, the ServingEngine contract, the host engine. */
export {
  startServer, hostEngine, latheChatTemplate, plainChatPrompt, ApiError, ServerConfigError, SerialQueue, QueueAbortedError,
  type ServerOptions, type RunningServer, type ServedModel, type ServingEngine, type EngineRequest, type EngineStats, type GeneratedToken,
  type PromptTokenScore, type TokenLogprob, type HostEngine, type HostEngineOptions, type ChatTemplate, type ChatMessage,
} from "./server/index.ts";

/** The batched engine behind the server: one shared Decoder and its step loop (gpt; other kinds fall back to the host engine). */
export { decoderEngine, decoderEngineOn, type DecoderEngine, type DecoderEngineOptions, type DecoderEngineParts } from "./server/decoder-engine.ts";

/** Container export (`lathe export --format docker`): a Docker/Podman build context serving the model. */
export { exportContainer, ContainerExportError, imageTag, type ExportContainerOptions, type ContainerArch } from "./container/index.ts";
