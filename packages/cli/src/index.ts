// @lathe/cli — see ARCHITECTURE.md. Filled by its issue.
export {};
