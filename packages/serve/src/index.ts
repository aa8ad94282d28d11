// @lathe/serve — see ARCHITECTURE.md. Filled by its issue.
export {};
