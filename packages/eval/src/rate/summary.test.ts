// Rating summaries on hand-computed cases: pair counts and win rates with ties as half, mean scores with standard
// errors, and Bradley–Terry strengths that solve the likelihood equations, on an Elo scale anchored at 1000.
import { expect, test } from "bun:test";
import type { Rating } from "./ratings.ts";
import { fitBradleyTerry, summarizeRatings } from "./summary.ts";

const AT = "2025-01-02T03:04:05.000Z";
const vote = (a: string, b: string, winner: string): Rating => ({ at: AT, prompt: "p", systems: [a, b], outputs: ["x", "y"], winner });
const score = (system: string, fluency: number, coherence: number, relevance: number): Rating => ({
  at: AT,
  prompt: "p",
  system,
  output: "x",
  scores: { fluency, coherence, relevance },
});
/** `n` votes between a and b that `winner` wins. */
const votes = (a: string, b: string, winner: string, n: number) => Array.from({ length: n }, (_, i) => vote(i % 2 ? b : a, i % 2 ? a : b, winner));

test("a pair counts wins, losses and ties from the first system's side, ties as half a win", () => {
  const s = summarizeRatings([vote("sft", "train", "train"), vote("train", "sft", "sft"), vote("sft", "train", "tie"), vote("train", "sft", "train")], {
    order: ["train", "sft"],
  });
  expect(s.systems).toEqual(["train", "sft"]);
  expect(s.pairs).toEqual([{ a: "train", b: "sft", wins: 2, losses: 1, ties: 1, n: 4, winRate: 0.625 }]);
  expect(s.bradleyTerry).toBeUndefined();
});

test("without an order, systems are listed as they first appear", () => {
  const s = summarizeRatings([vote("sft", "train", "tie"), score("base", 3, 3, 3)]);
  expect(s.systems).toEqual(["sft", "train", "base"]);
  expect(s.pairs.map((p) => [p.a, p.b, p.winRate])).toEqual([["sft", "train", 0.5]]);
});

test("an ordered system that was never rated is left out", () => {
  expect(summarizeRatings([vote("sft", "train", "tie")], { order: ["base", "train", "sft"] }).systems).toEqual(["train", "sft"]);
});

test("scores average per system and criterion with counts and standard errors", () => {
  const s = summarizeRatings([score("train", 4, 1, 5), score("train", 2, 1, 3), score("sft", 5, 4, 3)]);
  expect(s.scores).toEqual([
    { system: "train", criteria: { fluency: { mean: 3, n: 2, stderr: 1 }, coherence: { mean: 1, n: 2, stderr: 0 }, relevance: { mean: 4, n: 2, stderr: 1 } } },
    { system: "sft", criteria: { fluency: { mean: 5, n: 1 }, coherence: { mean: 4, n: 1 }, relevance: { mean: 3, n: 1 } } },
  ]);
});

// A beats B 2:1, B beats C 2:1, A beats C 4:1: every pair's rate is exactly p_i / (p_i + p_j) for p ∝ (4, 2, 1), so
// that is the MLE; scaled to geometric mean 1 it is (2, 1, 0.5), Elo 1000 ± 400·log10 2.
const EXACT = [...votes("A", "B", "A", 2), ...votes("A", "B", "B", 1), ...votes("B", "C", "B", 2), ...votes("B", "C", "C", 1), ...votes("A", "C", "A", 4), ...votes("A", "C", "C", 1)];

test("three systems with an exact Bradley–Terry solution get strengths 2, 1, 0.5 and Elo 1120.4, 1000, 879.6", () => {
  const bt = summarizeRatings(EXACT).bradleyTerry;
  expect(bt?.regularized).toBe(false);
  const got = bt?.strengths.map((s) => [s.system, s.strength, s.elo, s.wins, s.n]) ?? [];
  const want = [
    ["A", 2, 1000 + 400 * Math.log10(2), 6, 8],
    ["B", 1, 1000, 3, 6],
    ["C", 0.5, 1000 - 400 * Math.log10(2), 2, 8],
  ];
  for (const [i, row] of want.entries()) {
    expect(got[i][0]).toBe(row[0]);
    for (const c of [1, 2, 3, 4]) expect(got[i][c] as number).toBeCloseTo(row[c] as number, 9);
  }
});

test("two ties count like one win each way in Bradley–Terry", () => {
  // A–B as 1 win + 2 ties is 2 : 1 in half-wins, the same as EXACT's 2 wins : 1 loss.
  const withTies = [vote("A", "B", "A"), vote("A", "B", "tie"), vote("B", "A", "tie"), ...EXACT.slice(3)];
  const strengths = summarizeRatings(withTies).bradleyTerry?.strengths.map((s) => s.strength) ?? [];
  expect(strengths.map((x) => Number(x.toFixed(9)))).toEqual([2, 1, 0.5]);
});

test("a rock–paper–scissors cycle puts every system at Elo 1000", () => {
  const cycle = [...votes("A", "B", "A", 2), ...votes("A", "B", "B", 1), ...votes("B", "C", "B", 2), ...votes("B", "C", "C", 1), ...votes("C", "A", "C", 2), ...votes("C", "A", "A", 1)];
  for (const s of summarizeRatings(cycle).bradleyTerry?.strengths ?? []) expect(s.elo).toBeCloseTo(1000, 9);
});

test("the fitted strengths satisfy the likelihood equations W_i = Σ_j N_ij p_i / (p_i + p_j) and Elo averages 1000", () => {
  const W = [
    [0, 7, 3, 1.5],
    [2, 0, 4, 6],
    [5, 1, 0, 2.5],
    [0.5, 3, 4, 0],
  ];
  const fit = fitBradleyTerry(W);
  expect(fit?.regularized).toBe(false);
  const p = fit?.p ?? [];
  for (let i = 0; i < 4; i++) {
    let expected = 0;
    for (let j = 0; j < 4; j++) if (j !== i) expected += ((W[i][j] + W[j][i]) * p[i]) / (p[i] + p[j]);
    expect(expected).toBeCloseTo(W[i].reduce((a, b) => a + b, 0), 9);
  }
  expect(p.reduce((a, x) => a + Math.log(x), 0)).toBeCloseTo(0, 12);
  expect(fitBradleyTerry(W)).toEqual(fit); // deterministic
});

test("when one system never loses, one virtual tie per pair is added and the order is kept", () => {
  const s = summarizeRatings([...votes("A", "B", "A", 3), ...votes("B", "C", "B", 3), ...votes("A", "C", "A", 3)]);
  const st = s.bradleyTerry?.strengths ?? [];
  expect(s.bradleyTerry?.regularized).toBe(true);
  expect(st[0].elo > st[1].elo && st[1].elo > st[2].elo).toBe(true);
  expect(st.reduce((a, x) => a + x.elo, 0) / 3).toBeCloseTo(1000, 9);
  expect(s.notes).toEqual(["Bradley–Terry: some system never lost or never won, so one virtual tie was added per compared pair"]);
});

test("systems in groups never compared with each other get no Bradley–Terry fit, with a note", () => {
  const s = summarizeRatings([vote("A", "B", "A"), vote("A", "B", "B"), vote("C", "D", "C"), vote("C", "D", "D")]);
  expect(s.bradleyTerry).toBeUndefined();
  expect(s.notes).toEqual(["Bradley–Terry not fitted: the votes split the systems into groups never compared with each other"]);
});
