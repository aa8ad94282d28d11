// @lathe/serve — see ARCHITECTURE.md: serving and deploying trained models.

/** GGUF export (llama.cpp's gpt2 architecture): the `lathe export --format gguf` backend. */
export { exportGguf, type ExportGgufOptions } from "./gguf/export.ts";
export { gpt2Refusal, preTokenizerFor } from "./gguf/gpt2.ts";
export { encodeGguf, writeGgufFile, kv, type GgufKv, type GgufTensor } from "./gguf/writer.ts";
export { readGguf, decodeGguf, tensorValues, type GgufFile, type GgufTensorInfo } from "./gguf/reader.ts";
export { GgufExportError, GgufWriteError, GgufFormatError } from "./gguf/errors.ts";
