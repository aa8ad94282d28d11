// The chat format: one render function for training, evaluation, `lathe chat` and the server; its Jinja template
// for Hugging Face exports; readers for fine-tuning data; and the plan-time tokenizer check.

export {
  renderChat, renderChatText, chatSpecialIds, chatRole, roleToken, CHAT_ROLES, ROLE_ALIASES, END,
  type ChatRole, type ChatMessage, type ChatInput, type ChatSpecialIds, type RenderChatOptions, type RenderedChat,
} from "./render.ts";
export { CHAT_TEMPLATE, hfTokenizerConfig, writeHfTokenizerConfig, type HfTokenizerConfigOptions } from "./template.ts";
export { parseChatLines, readChatData, type ChatRecord, type ChatExpect, type ChatReadOptions } from "./data.ts";
export { formatChatReport, CHAT_RULES, type ChatRule, type ChatDataReport, type ChatDataExample, type ChatRuleCount } from "./report.ts";
export { checkChatTokenizer, CHAT_SPECIALS, type ChatTokenizerProblem } from "./check.ts";
