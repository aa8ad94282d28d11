// The four chat tasks end to end: a tiny random model with the chat special tokens scores them through LatheLM (the
// contexts' "<|user|>", "<|assistant|>", "<|end|>" become the special ids renderChat gives), and the report card
// shows one row per metric with its direction, and chance for chat_define.
// Run: bun test packages/eval/src/builtin/chat.test.ts
import { expect, test } from "bun:test";
import { byteTokenizer, DEFAULT_SPECIALS, renderChat } from "@lathe/tokenizer";
import { LatheLM } from "../lm/lathe-lm.ts";
import { cpuScorer, writeRandomModel } from "../lm/test-model.ts";
import { formatCardTerminal } from "../report/format.ts";
import { buildCard } from "../stage/card.ts";
import { runTasks } from "../tasks/run.ts";
import { askContext, chatContext } from "./chat.ts";
import { builtinTask } from "./registry.ts";

const CHAT_TASKS = ["chat_define", "chat_define_em", "chat_synonym", "chat_loss"];
const tok = byteTokenizer(DEFAULT_SPECIALS); // bytes, then <|endoftext|> 256, <|system|> 257, <|user|> 258, <|assistant|> 259, <|end|> 260

test("a chat context is renderChat's text with the generation prompt, and encodes to renderChat's ids", () => {
  const msgs = [{ role: "user", content: "What does ‘lithe’ mean?" }] as const;
  const r = renderChat(tok, msgs, { addGenerationPrompt: true });
  expect(askContext("What does ‘lithe’ mean?")).toBe("<|endoftext|><|user|>What does ‘lithe’ mean?<|end|><|assistant|>");
  expect(chatContext(msgs)).toBe(r.text);
  expect(Array.from(tok.encode(r.text, { specials: "all" }))).toEqual(r.ids);
});

test("the chat tasks run end to end on a tiny model and the card shows loss ↓, rewards ↑ and chance for chat_define", async () => {
  const trainDir = await writeRandomModel({ kind: "gpt", n_layer: 1, n_head: 2, d_model: 16, context: 32, init_std: 0.3 }, 261, 3);
  const scorer = await cpuScorer(trainDir);
  try {
    const lm = new LatheLM(scorer, tok);
    const tasks = CHAT_TASKS.map((name) => builtinTask(name, { heldOut: [], limit: 3, seed: 5 }));
    const r = await runTasks(tasks, lm, { seed: 1, bootstrapIters: 100 });
    expect(r.failed).toBeUndefined();
    const value = (task: string, metric: string) => r.results[task]![`${metric},none`] as number;
    for (const m of ["acc", "acc_norm"]) expect([0, 1 / 3, 2 / 3, 1]).toContain(value("chat_define", m));
    expect([0, 1 / 3, 2 / 3, 1]).toContain(value("chat_define_em", "exact_match"));
    expect([0, 1 / 3, 2 / 3, 1]).toContain(value("chat_synonym", "synonym_reward"));
    expect(value("chat_loss", "loss")).toBeGreaterThan(Math.log(261) / 4); // random init: nowhere near 0 nats per token
    expect(r.higher_is_better).toMatchObject({ chat_define: { acc: true, acc_norm: true }, chat_define_em: { exact_match: true }, chat_synonym: { synonym_reward: true }, chat_loss: { loss: false } });
    // The generation requests stop at the turn's end; the scored choices end with it.
    const em = r.samples.chat_define_em![0]!.arguments[0] as [string, { until: string[]; max_gen_toks: number; temperature: number }];
    expect(em[1]).toEqual({ until: ["<|end|>", "<|endoftext|>"], max_gen_toks: 40, temperature: 0 });
    expect((r.samples.chat_define![0]!.arguments as [string, string][]).every(([, c]) => c.endsWith("<|end|>"))).toBe(true);

    const chance = Object.fromEntries(tasks.flatMap((t) => (t.chance !== undefined ? [[t.config.task, t.chance]] : [])));
    const card = buildCard({ recipe: "chat.yaml", column: { id: "sft", label: "sft" }, intrinsic: [], results: r, chance, contamination: {} });
    const rows = Object.fromEntries(card.rows.map((row) => [row.name, { chance: row.chance, higherIsBetter: row.higherIsBetter }]));
    expect(rows).toEqual({
      "chat_define acc": { chance: 0.25, higherIsBetter: true },
      "chat_define acc_norm": { chance: 0.25, higherIsBetter: true },
      "chat_define_em exact_match": { chance: undefined, higherIsBetter: true },
      "chat_loss loss": { chance: undefined, higherIsBetter: false },
      "chat_synonym synonym_reward": { chance: undefined, higherIsBetter: true },
    });
    const text = formatCardTerminal(card, { width: 120 });
    expect(text).toContain("chat_loss loss ↓");
    expect(text).toContain("chat_synonym synonym_reward ↑");
  } finally {
    await scorer.close();
  }
}, 120_000);
