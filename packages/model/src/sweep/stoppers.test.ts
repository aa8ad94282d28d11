// Early stopping: ASHA and the median rule on synthetic power-law loss curves, the few-trial cases, and the messages.
// Run: bun test packages/model/src/sweep
import { describe, expect, test } from "bun:test";
import { SweepInputError } from "./errors.ts";
import { asha, ashaRungs, median, type MetricHistory, type Stopper } from "./stoppers.ts";

/** 27 curves loss_i(s) = E_i + A_i·s^-0.5: asymptotes 2.00, 2.04, ... 3.04 in a shuffled order, three prefactors. */
const E = Array.from({ length: 27 }, (_, i) => 2 + 0.04 * ((i * 10) % 27));
const curve = (i: number) => (s: number) => E[i]! + (8 + (i % 3)) * s ** -0.5;
const byAsymptote = [...E.keys()].sort((a, b) => E[a]! - E[b]!);

/**
 * Runs trials in lockstep, each reporting every `every` steps, and returns where each stopped. One at a time: each
 * report is decided as it arrives, in trial order. Together: every live trial reports, then each is decided.
 */
function simulate(stopper: Stopper, curves: ((s: number) => number)[], every: number, maxSteps: number, together = false) {
  const histories = curves.map((_, i) => ({ trial: `t${i}`, points: [] as { step: number; value: number }[] }));
  const stoppedAt: (number | null)[] = curves.map(() => null);
  const decide = (i: number, step: number) => {
    if (stopper.decide(`t${i}`, histories).stop) stoppedAt[i] = step;
  };
  for (let step = every; step <= maxSteps; step += every) {
    const live = [...curves.keys()].filter((i) => stoppedAt[i] === null);
    for (const i of live) {
      histories[i]!.points.push({ step, value: curves[i]!(step) });
      if (!together) decide(i, step);
    }
    if (together) for (const i of live) decide(i, step);
  }
  return stoppedAt;
}

const hist = (trial: string, ...pts: [number, number][]): MetricHistory => ({ trial, points: pts.map(([step, value]) => ({ step, value })) });

describe("asha", () => {
  const opts = { metric: "val_loss", grace: 100, reduction: 3, maxSteps: 8100 };
  const curves = E.map((_, i) => curve(i));
  const runs = [
    ["one at a time", simulate(asha(opts), curves, 100, 8100)],
    ["together", simulate(asha(opts), curves, 100, 8100, true)],
  ] as const;

  test("rungs sit at grace·η^k below maxSteps", () => {
    expect(ashaRungs(100, 3, 8100)).toEqual([100, 300, 900, 2700]);
    expect(ashaRungs(200, 3, 1800)).toEqual([200, 600]);
  });

  test.each(runs)("keeps the best trials to the end (reported %s)", (_, stoppedAt) => {
    const finished = stoppedAt.flatMap((s, i) => (s === null ? [i] : []));
    expect(finished).toContain(byAsymptote[0]!);
    // Every trial that ran to the end is among the best third by asymptote.
    for (const i of finished) expect(byAsymptote.indexOf(i)).toBeLessThan(9);
  });

  test.each(runs)("stops at least half of the trials by the second rung (reported %s)", (_, stoppedAt) => {
    const early = stoppedAt.filter((s) => s !== null && s <= 300).length;
    expect(early).toBeGreaterThanOrEqual(27 / 2);
  });

  test.each(runs)("never stops a trial before grace, and stops only at rungs (reported %s)", (_, stoppedAt) => {
    for (const s of stoppedAt) if (s !== null) expect([100, 300, 900, 2700]).toContain(s);
  });

  test("explains a stop with the rung, the value, the peers and the cutoff", () => {
    const s = asha({ metric: "val_loss", grace: 200, reduction: 3, maxSteps: 5400 });
    const peers = [3.5, 3.6, 3.74, 3.8, 3.9, 4.0, 4.2].map((v, i) => hist(`p${i}`, [1700, v + 0.1], [1800, v]));
    const me = hist("me", [1700, 3.95], [1800, 3.91]);
    expect(s.decide("me", [...peers, me])).toEqual({
      stop: true,
      rung: 2,
      reason: "rung 2 (step 1800): val_loss 3.91 not in the top 1/3 of 7 trials (cutoff 3.74)",
    });
  });

  // Peers' values at rung 0 (step 100), the trial's value there, and whether it stops: the cutoff is the 1/η
  // quantile of the peers' values, and only a strictly worse value stops.
  test.each([
    [[], 5, false, "rung 0 (step 100): val_loss 5 is the first at this rung, nothing to compare"],
    [[3], 4, true, "rung 0 (step 100): val_loss 4 not in the top 1/3 of 1 trial (cutoff 3)"],
    [[3], 3, false, "rung 0 (step 100): val_loss 3 in the top 1/3 of 1 trial (cutoff 3)"],
    [[3], 2, false, "rung 0 (step 100): val_loss 2 in the top 1/3 of 1 trial (cutoff 3)"],
    [[3, 4], 3.4, true, "rung 0 (step 100): val_loss 3.4 not in the top 1/3 of 2 trials (cutoff 3.333)"],
    [[3, 4], 3.3, false, "rung 0 (step 100): val_loss 3.3 in the top 1/3 of 2 trials (cutoff 3.333)"],
    [[3, 3, 3], 3, false, "rung 0 (step 100): val_loss 3 in the top 1/3 of 3 trials (cutoff 3)"],
    [[3], Number.NaN, true, "rung 0 (step 100): val_loss NaN not in the top 1/3 of 1 trial (cutoff 3)"],
    [[Number.NaN], 9, false, "rung 0 (step 100): val_loss 9 in the top 1/3 of 1 trial (cutoff Infinity)"],
  ])("with peers %p a value of %p stops: %p", (peers, value, stop, reason) => {
    const s = asha(opts);
    const histories = [...peers.map((v, i) => hist(`p${i}`, [100, v])), hist("me", [100, value])];
    expect(s.decide("me", histories)).toEqual({ stop, rung: 0, reason });
  });

  test("compares with the peers' values at the rung, not their latest ones", () => {
    const peer = hist("p", [100, 3], [300, 1]);
    expect(asha(opts).decide("me", [peer, hist("me", [100, 3.5])]).stop).toBe(true);
    expect(asha(opts).decide("me", [peer, hist("me", [100, 2.9])]).stop).toBe(false);
  });

  test("does not depend on the order of the histories", () => {
    const hs = [2.1, 2.5, 2.2, 2.8, 2.4].map((v, i) => hist(`p${i}`, [100, v], [300, v - 0.5]));
    const me = hist("me", [100, 2.3], [300, 1.85]);
    const forward = asha(opts).decide("me", [...hs, me]);
    expect(forward.stop).toBe(true);
    expect(asha(opts).decide("me", [me, ...hs.reverse()])).toEqual(forward);
  });

  test("does not revisit a rung once the trial has reported past it", () => {
    const peers = [1, 1.1].map((v, i) => hist(`p${i}`, [100, v]));
    expect(asha(opts).decide("me", [...peers, hist("me", [100, 5])]).stop).toBe(true);
    expect(asha(opts).decide("me", [...peers, hist("me", [100, 5], [200, 5])])).toEqual({
      stop: false,
      reason: "step 200 is between rungs (rung 1 at step 300 next)",
    });
  });

  test("a report that passes several rungs is judged at the highest", () => {
    const peers = [hist("p", [100, 9], [300, 2])];
    expect(asha(opts).decide("me", [...peers, hist("me", [50, 9], [400, 3])])).toMatchObject({ stop: true, rung: 1 });
  });

  test.each([
    [[[50, 9]], "step 50 is before the grace period (rung 0 at step 100)"],
    [[[8100, 9]], "step 8100 reached maxSteps 8100"],
    [[[2700, 3], [3000, 9]], "step 3000 is past the last rung"],
    [[], "no val_loss reported yet"],
  ] as [[number, number][], string][])("a trial with reports %p continues: %s", (points, reason) => {
    const peers = [hist("p", [50, 1], [100, 1], [2700, 1], [8100, 1])];
    expect(asha(opts).decide("me", [...peers, hist("me", ...points)])).toEqual({ stop: false, reason });
  });

  test("in max mode a higher value is better", () => {
    const s = asha({ ...opts, metric: "accuracy", mode: "max" });
    const peers = [0.5, 0.6].map((v, i) => hist(`p${i}`, [100, v]));
    expect(s.decide("me", [...peers, hist("me", [100, 0.55])])).toEqual({
      stop: true,
      rung: 0,
      reason: "rung 0 (step 100): accuracy 0.55 not in the top 1/3 of 2 trials (cutoff 0.5667)",
    });
    expect(s.decide("me", [...peers, hist("me", [100, 0.58])]).stop).toBe(false);
  });
});

describe("median stopping rule", () => {
  const opts = { metric: "val_loss", grace: 300 };
  // Reported together: one at a time, the first reporter of each round would find no other trial at its step.
  const stoppedAt = simulate(median(opts), E.map((_, i) => curve(i)), 100, 8100, true);

  test("stops clearly bad curves but not the best", () => {
    expect(stoppedAt[byAsymptote[0]!]).toBeNull();
    for (const i of byAsymptote.slice(-9)) expect(stoppedAt[i]).not.toBeNull();
  });

  test("never stops a trial before grace", () => {
    for (const s of stoppedAt) if (s !== null) expect(s).toBeGreaterThanOrEqual(300);
  });

  test("explains a stop with the trial's best and the median of the others' running averages", () => {
    // Running averages over steps 300..400: 2.5, 3, 3.5 → median 3; the trial's best is 3.2.
    const others = [2.5, 3, 3.5].map((v, i) => hist(`p${i}`, [100, 0], [300, v + 0.1], [400, v - 0.1], [500, 0]));
    expect(median(opts).decide("me", [...others, hist("me", [100, 9], [300, 3.3], [400, 3.2])])).toEqual({
      stop: true,
      reason: "step 400: best val_loss 3.2 worse than the median 3 of 3 other trials' running averages",
    });
    expect(median(opts).decide("me", [...others, hist("me", [100, 9], [300, 2.9], [400, 3.2])])).toEqual({
      stop: false,
      reason: "step 400: best val_loss 2.9 no worse than the median 3 of 3 other trials' running averages",
    });
  });

  test.each([
    [1, [[50, 9]], false, "step 50 is before the grace period (step 300)"],
    [3, [[300, 9]], false, "step 300: only 2 other trials reached it (need 3)"],
    [2, [[300, 9]], true, "step 300: best val_loss 9 worse than the median 1.5 of 2 other trials' running averages"],
    [2, [[300, Number.NaN]], true, "step 300: best val_loss Infinity worse than the median 1.5 of 2 other trials' running averages"],
    [2, [[300, 1.5]], false, "step 300: best val_loss 1.5 no worse than the median 1.5 of 2 other trials' running averages"],
  ] as [number, [number, number][], boolean, string][])("with minTrials %p reports %p stop: %p", (minTrials, points, stop, reason) => {
    const others = [hist("a", [300, 1]), hist("b", [300, 2]), hist("short", [200, 0])];
    expect(median({ ...opts, minTrials }).decide("me", [...others, hist("me", ...points)])).toEqual({ stop, reason });
  });

  test("in max mode a higher value is better", () => {
    const others = [0.5, 0.6, 0.7].map((v, i) => hist(`p${i}`, [300, v]));
    const s = median({ metric: "accuracy", grace: 300, mode: "max" });
    expect(s.decide("me", [...others, hist("me", [300, 0.55])]).stop).toBe(true);
    expect(s.decide("me", [...others, hist("me", [300, 0.65])]).stop).toBe(false);
  });
});

describe("stopper inputs", () => {
  test.each([
    [() => asha({ metric: "val_loss", grace: 100, reduction: 1, maxSteps: 900 }), "asha.reduction: must be a number above 1 (got 1). Hint: use 3 (keep the top third at each rung) or 2"],
    [() => asha({ metric: "val_loss", grace: 100, reduction: 3, maxSteps: 50 }), "asha.maxSteps: must be a number of steps at least grace (100) (got 50). Hint: set it to the trials' train.steps"],
    [() => asha({ metric: "val_loss", grace: 0, reduction: 3, maxSteps: 50 }), "asha.grace: must be a positive number of steps (got 0). Hint: use about a tenth of the trials' steps"],
    [() => median({ metric: "", grace: 10 }), 'median.metric: must name the metric (got ""). Hint: use "val_loss"'],
    [() => median({ metric: "val_loss", grace: 10, minTrials: 0 }), "median.minTrials: must be a whole number of trials, at least 1 (got 0). Hint: use 3"],
    [() => median({ metric: "val_loss", grace: 10, mode: "best" as "min" }), 'median.mode: must be "min" or "max" (got "best"). Hint: use "min" for losses, "max" for accuracies'],
  ])("rejects bad options: %#", (make, message) => {
    expect(make).toThrow(SweepInputError);
    expect(make).toThrow(message);
  });

  const s = asha({ metric: "val_loss", grace: 100, reduction: 3, maxSteps: 900 });
  test.each([
    [[hist("a", [100, 1]), hist("me", [100, 1])], "b", 'histories: have no trial named "b" (got "b"). Hint: include the trial\'s own history with the others'],
    [[hist("a", [100, 1]), hist("a", [100, 1])], "a", 'histories[1].trial: is listed twice (got "a"). Hint: give each trial one history'],
    [[hist("a", [200, 1], [100, 1])], "a", 'histories[0].points[1].step: must be a finite step after the previous one (200) of trial "a" (got 100). Hint: append reports in step order, one per step'],
  ])("rejects bad histories: %#", (histories, trial, message) => {
    expect(() => s.decide(trial, histories)).toThrow(message);
  });
});
