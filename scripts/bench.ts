// Run one benchmark by name: bun run bench <name>  → packages/*/bench/<name>.ts, which prints JSON.
import { readdirSync, existsSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dir, "..");
const name = process.argv[2];
const found = new Map<string, string>();
for (const pkg of readdirSync(join(root, "packages"))) {
  const dir = join(root, "packages", pkg, "bench");
  if (!existsSync(dir)) continue;
  for (const f of readdirSync(dir)) if (f.endsWith(".ts") && !f.endsWith(".test.ts")) found.set(f.slice(0, -3), join(dir, f));
}
const script = name ? found.get(name) : undefined;
if (!script) {
  const names = [...found.keys()].sort().join(", ") || "(none yet)";
  console.error(`${name ? `no benchmark named "${name}"` : "which benchmark?"}. Hint: bun run bench <name>, one of: ${names}`);
  process.exit(2);
}
const proc = Bun.spawn(["bun", script, ...process.argv.slice(3)], { stdio: ["inherit", "inherit", "inherit"] });
process.exit(await proc.exited);
