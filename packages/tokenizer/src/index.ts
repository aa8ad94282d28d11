// @lathe/tokenizer — see ARCHITECTURE.md. Filled by its issue.
export {};
