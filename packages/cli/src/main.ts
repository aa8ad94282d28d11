#!/usr/bin/env bun
// The `lathe` command. Filled by the foundation issue (packages/cli).
console.error("lathe: not built yet");
process.exit(1);
