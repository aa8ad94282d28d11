// @lathe/model — see ARCHITECTURE.md. Filled by its issue.
export {};
