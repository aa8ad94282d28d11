// The ratings file: appended line by line, read back in order, bad lines reported as file:line with a hint, and a
// line torn by a crash neither breaks reading nor glues onto the next judgement.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { appendRating, readRatings, RatingError, RatingsFileError, type Rating } from "./ratings.ts";

const dir = mkdtempSync(join(tmpdir(), "lathe-ratings-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(dir, `r${n++}`, "ratings.jsonl");

const AT = "2025-01-02T03:04:05.000Z";
const vote: Rating = { at: AT, prompt: "Once upon", systems: ["sft", "train"], outputs: ["a time", "a mattress"], winner: "sft" };
const score: Rating = { at: AT, prompt: "Once upon", system: "train", output: "a mattress", scores: { fluency: 4, coherence: 2, relevance: 1 } };

test("appended ratings read back in order, one JSON line each", async () => {
  const f = fresh();
  await appendRating(f, vote);
  await appendRating(f, score);
  expect(await readRatings(f)).toEqual([vote, score]);
  expect(readFileSync(f, "utf8").split("\n")).toEqual([JSON.stringify(vote), JSON.stringify(score), ""]);
});

test("a missing file reads as no ratings", async () => {
  expect(await readRatings(join(dir, "absent.jsonl"))).toEqual([]);
});

test("a torn last line is skipped on read and cut off before the next append", async () => {
  const f = join(dir, "torn.jsonl");
  writeFileSync(f, `${JSON.stringify(vote)}\n{"at":"2025-01-02T03:0`);
  expect(await readRatings(f)).toEqual([vote]);
  await appendRating(f, score);
  expect(await readRatings(f)).toEqual([vote, score]);
  expect(readFileSync(f, "utf8")).toBe(`${JSON.stringify(vote)}\n${JSON.stringify(score)}\n`);
});

test("a whole last line without its newline is kept and the next rating starts a new line", async () => {
  const f = join(dir, "nonl.jsonl");
  writeFileSync(f, JSON.stringify(vote));
  await appendRating(f, score);
  expect(await readRatings(f)).toEqual([vote, score]);
});

const HINT =
  'a vote is {"at","prompt","systems":[a,b],"outputs":[a,b],"winner":a|b|"tie"}, a score is {"at","prompt","system","output","scores":{"fluency","coherence","relevance": 1-5}}';

test.each([
  ["not JSON", "{oops}", 'not JSON: "{oops}". Hint: each line is one JSON object; delete a line cut short by a crash'],
  ["an array", "[1,2]", `not a JSON object: [1,2]. Hint: ${HINT}`],
  ["a winner that was not compared", JSON.stringify({ ...vote, winner: "base" }), `"winner" is not "sft", "train" or "tie": "base". Hint: ${HINT}`],
  ["a score of 6", JSON.stringify({ ...score, scores: { fluency: 6, coherence: 2, relevance: 1 } }), `"scores.fluency" is not an integer 1-5: 6. Hint: ${HINT}`],
  ["a missing criterion", JSON.stringify({ ...score, scores: { fluency: 3, coherence: 2 } }), `"scores.relevance" is not an integer 1-5: undefined. Hint: ${HINT}`],
  ["an unknown field", JSON.stringify({ ...vote, rater: "me" }), `unknown field "rater": "me". Hint: ${HINT}`],
  ["a bad time", JSON.stringify({ ...vote, at: "yesterday" }), `"at" is not an ISO time: "yesterday". Hint: ${HINT}`],
  ["one system twice", JSON.stringify({ ...vote, systems: ["sft", "sft"] }), `"systems" is not two different names: ["sft","sft"]. Hint: ${HINT}`],
])("%s on line 2 is an error naming file:2 and the value", async (_, line, message) => {
  const f = join(dir, `bad${n++}.jsonl`);
  writeFileSync(f, `${JSON.stringify(vote)}\n${line}\n${JSON.stringify(score)}\n`);
  const err = await readRatings(f).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(RatingsFileError);
  expect((err as RatingsFileError).line).toBe(2);
  expect((err as Error).message).toBe(`${f}:2: ${message}`);
});

test("a rating that is not valid is refused before anything is written", async () => {
  const f = fresh();
  const bad = { ...vote, winner: "nobody" } as Rating;
  await expect(appendRating(f, bad)).rejects.toThrow(RatingError);
  expect(await readRatings(f)).toEqual([]);
});
