// @lathe/data — see ARCHITECTURE.md. Filled by its issue.
export {};
