// plan(): env vars named in StageDef.env enter the key (and explain names them); machineDependent reaches PlannedStage.
import { afterAll, afterEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "./build.ts";
import { formatChange } from "./explain.ts";
import { plan } from "./plan.ts";
import { stage } from "./test-fixtures.ts";

const root = mkdtempSync(join(tmpdir(), "lathe-plan-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const NAME = "LATHE_TEST_PLAN_ENV";
afterEach(() => delete process.env[NAME]);

test("an env var named in StageDef.env changes the key when its value changes, and explain names it", async () => {
  const cacheDir = join(root, "env");
  const g = () => [stage("train", { env: [NAME] })];
  const unset = (await plan(g(), { cacheDir, root }))[0]!.key;
  process.env[NAME] = "tex";
  const tex = (await plan(g(), { cacheDir, root }))[0]!.key;
  process.env[NAME] = "general";
  const general = (await plan(g(), { cacheDir, root }))[0]!.key;
  expect(new Set([unset, tex, general]).size).toBe(3);
  await build(g(), { cacheDir, root });
  process.env[NAME] = "tex";
  expect((await plan(g(), { cacheDir, root }))[0]!.changes.map(formatChange)).toEqual([`env ${NAME} changed`]);
});

test("an env var not named in StageDef.env leaves the key alone", async () => {
  const cacheDir = join(root, "other");
  const before = (await plan([stage("train")], { cacheDir, root }))[0]!.key;
  process.env[NAME] = "tex";
  expect((await plan([stage("train")], { cacheDir, root }))[0]!.key).toBe(before);
});

test("a machine-dependent stage carries its reason into the plan, and the flag does not change its key", async () => {
  const cacheDir = join(root, "md");
  const [plain] = await plan([stage("train")], { cacheDir, root });
  const [timed] = await plan([{ ...stage("train"), machineDependent: "time_budget 9.5m" }], { cacheDir, root });
  const [bare] = await plan([{ ...stage("train"), machineDependent: true }], { cacheDir, root });
  expect(plain!.machineDependent).toBeUndefined();
  expect(timed!.machineDependent).toBe("time_budget 9.5m");
  expect(bare!.machineDependent).toBe(true);
  expect(timed!.key).toBe(plain!.key);
});
