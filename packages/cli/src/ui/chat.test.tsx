// The chat screen: typed lines become messages whose replies stream into the transcript, slash commands change the
// status bar, and /quit or Ctrl-C while idle leave once. Run: bun test packages/cli/src/ui/chat.test.tsx
import { expect, test } from "bun:test";
import React from "react";
import { render } from "ink-testing-library";
import { chatTokenizer, scriptedModel } from "../chat/fixtures.ts";
import { ChatSession } from "../chat/session.ts";
import ChatScreen from "./chat.tsx";

const strip = (s: string | undefined) => (s ?? "").replace(/\x1b\[[0-9;]*m/g, "");
const tick = () => new Promise((r) => setTimeout(r, 10));

async function mount() {
  const tok = chatTokenizer();
  const model = scriptedModel(tok, "a lathe turns wood");
  const session = await ChatSession.open("base", { tokenizer: tok, openStage: async (name) => ({ name, model }), temperature: 0.8, maxTokens: 24 });
  let exits = 0;
  const r = render(<ChatScreen session={session} title="recipes/tiny.yaml" onExit={() => exits++} />);
  const type = async (...keys: string[]) => {
    for (const k of keys) {
      r.stdin.write(k);
      await tick();
    }
  };
  return { ...r, type, session, exits: () => exits, screen: () => strip(r.frames.join("\n")), last: () => strip(r.lastFrame()) };
}

test("a typed message and its reply appear in the transcript, and the status bar counts the context", async () => {
  const s = await mount();
  expect(s.last()).toContain(`ready · stage base · temperature 0.8 · context ${s.session.contextUsed()}/64 tokens · replies ≤ 24 tokens · /help`);
  await s.type("What is a lathe?", "\r");
  await tick();
  expect(s.screen()).toContain("you › What is a lathe?");
  expect(s.screen()).toContain("base › a lathe turns wood");
  expect(s.last()).toContain(`context ${s.session.contextUsed()}/64 tokens`);
  expect(s.session.history).toHaveLength(2);
  s.unmount();
});

test("slash commands change the session and say so", async () => {
  const s = await mount();
  await s.type("/temperature 0.3", "\r", "/system Be brief.", "\r", "/bogus", "\r");
  expect(s.session.temperature).toBe(0.3);
  expect(s.last()).toContain("temperature 0.3");
  expect(s.last()).toContain("system prompt set");
  expect(s.screen()).toContain("(temperature 0.3)");
  expect(s.screen()).toContain('unknown command "/bogus"');
  s.unmount();
});

test("/quit leaves once, and Ctrl-C while idle leaves too", async () => {
  const a = await mount();
  await a.type("/quit", "\r");
  expect(a.exits()).toBe(1);
  a.unmount();
  const b = await mount();
  await b.type("\x03");
  expect(b.exits()).toBe(1);
  b.unmount();
});
