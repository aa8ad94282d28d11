// The blind rating screen: keys become ratings that name the real (unshuffled) systems, the names never reach the
// screen, scoring mode collects 1–5 per criterion and output, and q / the last item end the session once.
import { expect, test } from "bun:test";
import React from "react";
import { render } from "ink-testing-library";
import type { Rating } from "@lathe/eval";
import RateScreen, { shownOrder, type RateExit, type RateItem } from "./RateScreen.tsx";

const SYSTEMS = ["SYS_TRAIN", "SYS_SFT"] as const;
const ITEMS: RateItem[] = Array.from({ length: 6 }, (_, i) => ({
  prompt: `prompt ${i}`,
  outputs: { SYS_TRAIN: `train says ${i}`, SYS_SFT: `sft says ${i}` },
}));
const AT = new Date("2025-01-02T03:04:05.000Z");
const strip = (s: string | undefined) => (s ?? "").replace(/\x1b\[[0-9;]*m/g, "");
const tick = () => new Promise((r) => setTimeout(r, 5));

function mount(items = ITEMS, seed = 7) {
  const ratings: Rating[] = [];
  const exits: RateExit[] = [];
  const r = render(<RateScreen items={items} systems={SYSTEMS} seed={seed} onRate={(x) => ratings.push(x)} onExit={(e) => exits.push(e)} columns={80} now={() => AT} />);
  const press = async (...keys: string[]) => {
    for (const k of keys) {
      r.stdin.write(k);
      await tick();
    }
  };
  return { ...r, ratings, exits, press, screen: () => strip(r.lastFrame()) };
}

/** The system whose output is in panel A on screen right now. */
const systemShownAsA = (screen: string) => {
  const a = screen.indexOf("train says");
  const b = screen.indexOf("sft says");
  return (a >= 0 && a < b ? "SYS_TRAIN" : "SYS_SFT") as string;
};

test("the shuffle is seeded: the same seed gives the same order, and over items both systems appear as A", () => {
  const orders = Array.from({ length: 20 }, (_, i) => shownOrder(SYSTEMS, 7, i)[0]);
  expect(orders).toEqual(Array.from({ length: 20 }, (_, i) => shownOrder(SYSTEMS, 7, i)[0]));
  expect(new Set(orders)).toEqual(new Set(SYSTEMS));
  expect(Array.from({ length: 20 }, (_, i) => shownOrder(SYSTEMS, 8, i)[0])).not.toEqual(orders);
});

test.each([
  ["a", "A"],
  ["1", "A"],
  ["b", "B"],
  ["2", "B"],
  ["t", "tie"],
  ["=", "tie"],
])("key %s records a vote for %s under the real system name and in the order shown", async (key, choice) => {
  const s = mount();
  const first = s.screen();
  await s.press(key);
  s.unmount();
  const a = systemShownAsA(first);
  const b = a === "SYS_TRAIN" ? "SYS_SFT" : "SYS_TRAIN";
  const out = (sys: string) => ITEMS[0].outputs[sys];
  expect(s.ratings).toEqual([
    { at: AT.toISOString(), prompt: "prompt 0", systems: [a, b], outputs: [out(a), out(b)], winner: choice === "A" ? a : choice === "B" ? b : "tie" },
  ]);
});

test("the order on screen follows shownOrder item by item", async () => {
  const s = mount();
  for (let i = 0; i < 4; i++) {
    expect(systemShownAsA(s.screen())).toBe(shownOrder(SYSTEMS, 7, i)[0]);
    await s.press("a");
  }
  s.unmount();
  expect(s.ratings.map((r) => ("winner" in r ? r.winner : ""))).toEqual([0, 1, 2, 3].map((i) => shownOrder(SYSTEMS, 7, i)[0]));
});

test("system names never appear on screen, before or after votes, in either mode", async () => {
  const s = mount();
  await s.press("a", "b", "s", "3", "t", "n", "q");
  s.unmount();
  const all = s.frames.map(strip).join("\n");
  expect(all).toContain("train says 0");
  expect(all).not.toContain("SYS_TRAIN");
  expect(all).not.toContain("SYS_SFT");
});

test("the screen shows the prompt, both panels labelled A and B, and the progress", async () => {
  const s = mount();
  await s.press("b");
  const screen = s.screen();
  s.unmount();
  const [a, b] = shownOrder(SYSTEMS, 7, 1).map((x) => ITEMS[1].outputs[x].padEnd(36));
  expect(screen.split("\n")).toEqual([
    "item 2 of 6 · 1 rated · 0 skipped",
    "Prompt",
    "prompt 1",
    `╭${"─".repeat(38)}╮╭${"─".repeat(38)}╮`,
    `│ ${"A".padEnd(36)} ││ ${"B".padEnd(36)} │`,
    `│ ${a} ││ ${b} │`,
    `╰${"─".repeat(38)}╯╰${"─".repeat(38)}╯`,
    "recorded item 1: B better",
    "a/1 A better · b/2 B better · t/= tie · s score · n skip · q quit",
  ]);
});

test("scoring mode records 1–5 per criterion for A then B; tab and arrows move between fields", async () => {
  const s = mount();
  const a = systemShownAsA(s.screen());
  const b = a === "SYS_TRAIN" ? "SYS_SFT" : "SYS_TRAIN";
  // A: fluency 4, coherence 3 then back (←) to fix it to 2, relevance 5; B: tab past fluency, coherence 1, relevance 2,
  // shift-tab twice back to fluency, 3.
  await s.press("s", "4", "3", "\x1b[D", "2", "5", "\t", "1", "2", "\x1b[Z", "\x1b[Z", "3");
  expect(s.screen()).toContain("scoring");
  expect(s.ratings).toEqual([]);
  await s.press("\r");
  s.unmount();
  const at = AT.toISOString();
  expect(s.ratings).toEqual([
    { at, prompt: "prompt 0", system: a, output: ITEMS[0].outputs[a], scores: { fluency: 4, coherence: 2, relevance: 5 } },
    { at, prompt: "prompt 0", system: b, output: ITEMS[0].outputs[b], scores: { fluency: 3, coherence: 1, relevance: 2 } },
  ]);
});

test("saving scores with a field left empty records nothing and says how many are left", async () => {
  const s = mount();
  await s.press("s", "4", "4", "4", "\r");
  const screen = s.screen();
  s.unmount();
  expect(s.ratings).toEqual([]);
  expect(screen).toContain("score every field first (3 left)");
  expect(screen).toContain("   A relevance  ●●●●○ 4");
  expect(screen).toContain(" › B fluency    ○○○○○");
});

test("escape leaves scoring mode and the vote keys work again", async () => {
  const s = mount();
  await s.press("s", "\x1b");
  await new Promise((r) => setTimeout(r, 50)); // a lone escape is flushed after a short wait
  await s.press("t");
  s.unmount();
  expect(s.ratings.map((r) => ("winner" in r ? r.winner : "score"))).toEqual(["tie"]);
});

test("n skips an item without a rating, and the last item ends the session once", async () => {
  const items = ITEMS.slice(0, 2);
  const s = mount(items);
  await s.press("n", "a", "a");
  const screen = s.screen();
  s.unmount();
  expect(s.ratings.length).toBe(1);
  expect(s.exits).toEqual([{ quit: false, rated: 1, skipped: 1 }]);
  expect(screen).toBe("done: 1 rated · 1 skipped of 2");
});

test("q quits at once and calls onExit with what was rated", async () => {
  const s = mount();
  await s.press("a", "q", "a");
  s.unmount();
  expect(s.ratings.length).toBe(1);
  expect(s.exits).toEqual([{ quit: true, rated: 1, skipped: 0 }]);
});
