// Packing: encode a JSONL split into an llm.c shard. Every document starts with <|endoftext|> (llm.c/GPT-2
// convention: the separator doubles as a beginning-of-document token). Document text is encoded with specials
// off, so a literal "<|endoftext|>" in data cannot forge a boundary. Chat documents render with the shared
// renderChat (chat/render.ts) as
//   <|endoftext|> <|role|> content <|end|> <|role|> content <|end|> ...
// and, when masking, their mask is 1 on the assistant's content and its <|end|>, 0 elsewhere; text documents
// are all 1.
import { END, type RenderedChat, renderChat, roleToken } from "../chat/render.ts";
import { ChatTokenError, TokenizerConfigError } from "../errors.ts";
import { IdBuffer } from "../ids.ts";
import { EOT } from "../presets.ts";
import type { Tokenizer } from "../tokenizer.ts";
import { readJsonl, type Doc } from "../jsonl.ts";
import { ShardWriter, type TokenDtype } from "./shard.ts";

export interface SplitStats {
  readonly docs: number;
  readonly chat_docs: number;
  readonly tokens: number;
  /** UTF-8 bytes of the encoded text (document text and message contents; not special tokens). */
  readonly bytes: number;
  /** Tokens with mask 1 (equals tokens when there is no mask). */
  readonly loss_tokens: number;
  readonly mask: boolean;
}

export function pickDtype(vocabSize: number, dtype: "auto" | TokenDtype): TokenDtype {
  if (dtype === "auto") return vocabSize <= 65536 ? "uint16" : "uint32";
  if (dtype === "uint16" && vocabSize > 65536)
    throw new TokenizerConfigError("/tokenizer/pack/dtype", dtype, `the vocabulary has ${vocabSize} ids; use "uint32" or "auto"`, "uint16 cannot hold every token id");
  return dtype;
}

/** Append one document's tokens and mask (chat documents through renderChat). Returns the UTF-8 byte count of its text. */
export function renderDoc(tok: Tokenizer, doc: Doc, ids: IdBuffer, mask: number[] | null, where: string): number {
  if (typeof doc.text === "string") {
    const start = ids.length;
    ids.push(tok.specialId(EOT)!);
    tok.encodeInto(doc.text, ids, { specials: "none" });
    if (mask) for (let i = start; i < ids.length; i++) mask.push(1);
    return Buffer.byteLength(doc.text);
  }
  const messages = doc.messages!;
  let chat: RenderedChat;
  try {
    chat = renderChat(tok, messages);
  } catch (e) {
    if (!(e instanceof ChatTokenError)) throw e;
    if (e.turn === null) throw new TokenizerConfigError(`${where}/messages`, e.missing, `add ${e.missing.map((s) => JSON.stringify(s)).join(", ")} to tokenizer.special_tokens`, "chat document needs special tokens the tokenizer lacks", { cause: e });
    const role = messages[e.turn]!.role;
    throw new TokenizerConfigError(`${where}/messages/${e.turn}/role`, role, `add "${roleToken(role)}" and "${END}" to tokenizer.special_tokens`, "chat role has no special token", { cause: e });
  }
  for (const id of chat.ids) ids.push(id);
  if (mask) for (const m of chat.mask) mask.push(m);
  let bytes = 0;
  for (const m of messages) bytes += Buffer.byteLength(m.content);
  return bytes;
}

/**
 * Encode one JSONL split into outPath. With a maskPath, a loss mask is written there when the split holds chat
 * documents (and dropped when it holds none). onBytes reports input progress; throw from it to cancel.
 */
export async function packSplit(
  tok: Tokenizer,
  inPath: string,
  outPath: string,
  maskPath: string | null,
  dtype: TokenDtype,
  onBytes?: (bytes: number) => void,
): Promise<SplitStats> {
  const w = new ShardWriter(outPath, dtype, maskPath);
  const ids = new IdBuffer(1 << 16);
  const mask: number[] | null = maskPath ? [] : null;
  let docs = 0, chat = 0, bytes = 0, loss = 0, line = 0;
  for await (const { doc, bytes: lineBytes } of readJsonl(inPath)) {
    line++;
    ids.clear();
    if (mask) mask.length = 0;
    bytes += renderDoc(tok, doc, ids, mask, `${inPath}:${line}`);
    docs++;
    if (doc.messages) chat++;
    const view = ids.data.subarray(0, ids.length);
    if (mask) {
      w.push(view, mask);
      for (let i = 0; i < mask.length; i++) loss += mask[i];
    } else {
      w.push(view, 1);
      loss += view.length;
    }
    onBytes?.(lineBytes);
  }
  const masked = mask !== null && chat > 0;
  w.close(masked);
  return { docs, chat_docs: chat, tokens: w.count, bytes, loss_tokens: masked ? loss : w.count, mask: masked };
}
