// The chat page (GET / of startServer) in headless Chromium (Debian's /usr/bin/chromium through playwright-core; no
// browser download) against a server of two tiny random-init models, each token slowed to 25 ms so streaming shows:
// a chat reply grows in the DOM token by token with the picked model, temperature, max tokens and system prompt, the
// history goes with the next turn, and a blind comparison of the two models records the vote in the ratings file
// in `lathe rate`'s format. No console error, failed request or error answer. Screenshots:
// tests/artifacts/chat-page-chat.png and tests/artifacts/chat-page-compare.png.
// Run: bun test tests/chat-page.test.ts
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import type { EngineRequest } from "../packages/serve/src/server/engine.ts";
import type { HostEngine } from "../packages/serve/src/server/host-engine.ts";
import { type RunningServer, startServer } from "../packages/serve/src/server/server.ts";
import { recordingEngine, slowEngine, tinyEngine, tinyTrainDir } from "../packages/serve/src/server/test-engine.ts";

const ROOT = join(import.meta.dir, "..");
const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = join(ROOT, "tests/artifacts");
const SEED = 7;
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.log(`chat-page.test.ts: the browser checks are skipped: ${CHROMIUM} is absent (Debian package chromium; scripts/test-deps.sh installs it)`);

setDefaultTimeout(120_000);

let engines: HostEngine[] = [];
let requests: EngineRequest[][] = [];
let server: RunningServer;
let ratingsFile: string;
let browser: Browser;
let page: Page;
const errors: string[] = [];
const failed: string[] = [];
const badAnswers: string[] = [];

beforeAll(async () => {
  if (!haveChromium) return;
  engines = [await tinyEngine(await tinyTrainDir(3)), await tinyEngine(await tinyTrainDir(4))];
  const recorded = engines.map((e) => recordingEngine(slowEngine(e, 25)));
  requests = recorded.map((r) => r.requests);
  ratingsFile = join(mkdtempSync(join(tmpdir(), "lathe-chat-page-")), "ratings", "base+sft.jsonl");
  server = await startServer({ models: [{ id: "base", engine: recorded[0]! }, { id: "sft", engine: recorded[1]! }], port: 0, ratingsFile, log: (l) => errors.push(`server: ${l}`) });
  const pw = (await import(Bun.resolveSync("playwright-core", join(ROOT, "packages/serve")))) as typeof import("playwright-core");
  browser = await pw.chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  page.on("console", (m) => void (m.type() === "error" && errors.push(m.text())));
  page.on("pageerror", (e) => void errors.push(String(e)));
  page.on("requestfailed", (r) => void failed.push(`${r.url()}: ${r.failure()?.errorText}`));
  page.on("response", (r) => void (r.status() >= 400 && badAnswers.push(`${r.status()} ${r.url()}`)));
  await page.goto(`${server.url}/?seed=${SEED}`, { waitUntil: "load" });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  for (const e of engines) await e.close();
});

/** Records the text length of the elements matching `selector` on every DOM change under #main until read back. */
async function watchLengths(selector: string): Promise<void> {
  await page.evaluate((sel) => {
    const w = window as unknown as { lengths: number[][] };
    w.lengths = [];
    new MutationObserver(() => w.lengths.push([...document.querySelectorAll(sel)].map((e) => e.textContent!.length))).observe(document.querySelector("main")!, { subtree: true, childList: true, characterData: true });
  }, selector);
}

const lengths = () => page.evaluate(() => (window as unknown as { lengths: number[][] }).lengths);

/** The distinct non-decreasing lengths element i went through (0 excluded). */
function growth(ls: number[][], i: number): number[] {
  return [...new Set(ls.map((l) => l[i] ?? 0).filter((n) => n > 0))];
}

describe.skipIf(!haveChromium)("the chat page in Chromium", () => {
  test("the model picker lists the served models", async () => {
    await page.waitForFunction(() => document.querySelectorAll("#model option").length === 2);
    expect(await page.$$eval("#model option", (os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual(["base", "sft"]);
    expect(await page.isEnabled("#mode-compare")).toBe(true);
    expect(await page.textContent("#seed")).toBe(String(SEED));
  });

  test("a prompt's reply streams in token by token with the chosen settings, and the next turn carries the history", async () => {
    await page.selectOption("#model", "sft");
    await page.locator("#temperature").fill("0");
    expect(await page.textContent("#temperature-value")).toBe("0.00");
    await page.fill("#max-tokens", "12"); // the tiny model's context is 64 tokens: room for this turn and the next
    await page.fill("#system", "Be brief.");
    await watchLengths(".msg.assistant .text");
    await page.fill("#prompt", "Once upon");
    await page.press("#prompt", "Enter");
    await page.waitForSelector(".msg.assistant.streaming");
    expect(await page.isEnabled("#stop")).toBe(true);
    await page.waitForFunction(() => !document.querySelector(".streaming") && !(document.getElementById("send") as HTMLButtonElement).disabled);

    const seen = growth(await lengths(), 0);
    expect(seen.length).toBeGreaterThanOrEqual(5); // the reply grew over at least five DOM updates
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    const reply = (await page.textContent(".msg.assistant .text"))!;
    expect(reply.length).toBe(seen.at(-1)!);
    expect(await page.$$eval(".msg .who", (ws) => ws.map((w) => w.textContent))).toEqual(["you", "sft"]);

    const sent = requests[1]!.at(-1)!;
    expect(requests[0]!.length).toBe(0);
    expect([sent.temperature, sent.maxTokens]).toEqual([0, 12]);
    expect(engines[1]!.detokenize(sent.prompt)).toBe("Be brief.\nOnce upon");

    await page.fill("#max-tokens", "2");
    await page.fill("#prompt", "more");
    await page.click("#send");
    await page.waitForFunction(() => document.querySelectorAll(".msg.assistant").length === 2 && !document.querySelector(".streaming"));
    expect(engines[1]!.detokenize(requests[1]!.at(-1)!.prompt)).toBe(`Be brief.\nOnce upon\n${reply}\nmore`);
    const stored = await page.evaluate(() => JSON.parse(localStorage.getItem("lathe-chat")!).history as { role: string }[]);
    expect(stored.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant"]);
    mkdirSync(ARTIFACTS, { recursive: true });
    const shot = join(ARTIFACTS, "chat-page-chat.png");
    await page.screenshot({ path: shot });
    console.log(`chat-page.test.ts: screenshot ${shot}`);
  });

  test("a blind comparison streams both models as A and B in the seeded order and records the vote", async () => {
    const { blindOrder } = (await import(join(ROOT, "packages/serve/src/page/chat-lib.js"))) as { blindOrder(seed: number, round: number): [number, number] };
    const picked = ["base", "sft"];
    const order = blindOrder(SEED, 0);
    const shown = [picked[order[0]]!, picked[order[1]]!];

    await page.click("#mode-compare");
    expect(await page.isVisible("#compare-view")).toBe(true);
    expect(await page.isVisible("#model")).toBe(false);
    await page.selectOption("#model-1", "base");
    await page.selectOption("#model-2", "sft");
    await page.fill("#max-tokens", "12");
    await watchLengths(".round .out .text");
    await page.fill("#prompt", "The cat");
    await page.press("#prompt", "Enter");
    await page.waitForFunction(() => (document.querySelector('.round button[data-vote="A"]') as HTMLButtonElement | null)?.disabled === false);

    const ls = await lengths();
    expect(growth(ls, 0).length).toBeGreaterThanOrEqual(5);
    expect(growth(ls, 1).length).toBeGreaterThanOrEqual(5);
    // Blind: labels only, no model name anywhere in the round until the vote.
    expect(await page.$$eval(".round .out h3", (hs) => hs.map((h) => h.textContent))).toEqual(["A", "B"]);
    expect(await page.$$(".round .reveal")).toEqual([]);
    const outputs = await page.$$eval(".round .out .text", (ts) => ts.map((t) => t.textContent!));

    await page.click('.round button[data-vote="A"]');
    await page.waitForFunction(() => document.querySelector(".round .vote-status")!.textContent!.startsWith("Recorded"));
    expect(await page.$$eval(".round .reveal", (rs) => rs.map((r) => r.textContent))).toEqual([`A was ${shown[0]}`, `B was ${shown[1]}`]);
    expect(await page.isDisabled('.round button[data-vote="B"]')).toBe(true);

    const lines = readFileSync(ratingsFile, "utf8").trim().split("\n");
    expect(lines.length).toBe(1);
    const rating = JSON.parse(lines[0]!);
    expect(rating).toEqual({ at: expect.any(String), prompt: "The cat", systems: shown, outputs, winner: shown[0] });
    const { readRatings } = await import("../packages/eval/src/index.ts");
    expect(await readRatings(ratingsFile)).toEqual([rating]);

    const shot = join(ARTIFACTS, "chat-page-compare.png");
    await page.screenshot({ path: shot });
    console.log(`chat-page.test.ts: screenshot ${shot}`);
  });

  test("nothing went wrong on the way: no console error, failed request or error answer", () => {
    expect(errors).toEqual([]);
    expect(failed).toEqual([]);
    expect(badAnswers).toEqual([]);
  });
});
