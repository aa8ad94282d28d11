// @lathe/eval — see ARCHITECTURE.md. Filled by its issue.
export {};
