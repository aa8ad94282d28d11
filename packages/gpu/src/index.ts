// @lathe/gpu — see ARCHITECTURE.md. Filled by its issue.
export {};
