// @lathe/recipe — see ARCHITECTURE.md. Filled by its issue.
export {};
