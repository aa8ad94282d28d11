// Packing: encode a JSONL split into an llm.c shard. Every document starts with <|endoftext|> (llm.c/GPT-2
// convention: the separator doubles as a beginning-of-document token). Document text is encoded with specials
// off, so a literal "<|endoftext|>" in data cannot forge a boundary. Chat documents render as
//   <|endoftext|> <|role|> content <|end|> <|role|> content <|end|> ...
// and, when masking, their mask is 1 on the assistant's content and its <|end|>, 0 elsewhere; text documents
// are all 1.
import { TokenizerConfigError } from "../errors.ts";
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

/** Append one document's tokens and mask. Returns the UTF-8 byte count of its text. */
export function renderDoc(tok: Tokenizer, doc: Doc, ids: IdBuffer, mask: number[] | null, where: string): number {
  const eot = tok.specialId(EOT)!;
  const start = ids.length;
  ids.push(eot);
  if (typeof doc.text === "string") {
    tok.encodeInto(doc.text, ids, { specials: "none" });
    if (mask) for (let i = start; i < ids.length; i++) mask.push(1);
    return Buffer.byteLength(doc.text);
  }
  if (mask) mask.push(0);
  const end = tok.specialId("<|end|>");
  let bytes = 0;
  doc.messages!.forEach((m, k) => {
    const role = tok.specialId(`<|${m.role}|>`);
    if (role === undefined || end === undefined)
      throw new TokenizerConfigError(`${where}/messages/${k}/role`, m.role, `add "<|${m.role}|>" and "<|end|>" to tokenizer.special_tokens`, "chat role has no special token");
    ids.push(role);
    const before = ids.length;
    tok.encodeInto(m.content, ids, { specials: "none" });
    ids.push(end);
    bytes += Buffer.byteLength(m.content);
    if (mask) {
      mask.push(0);
      const on = m.role === "assistant" ? 1 : 0;
      for (let i = before; i < ids.length; i++) mask.push(on);
    }
  });
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
