// Blind human rating: a prompt and two systems' outputs side by side as "A" and "B" (which is which is shuffled per
// item by a seeded hash), a vote or 1–5 scores per output, then the next item. System names are never shown, not even
// after a vote: a rater who learns each system's style would stop being blind; `lathe rate` prints the tally at the end.
import React, { useEffect, useRef, useState } from "react";
import { Box, Text, useInput } from "ink";
import { CRITERIA, type Criterion, type Rating } from "@lathe/eval";

export interface RateItem {
  readonly prompt: string;
  /** Output per system name; must hold both compared systems. */
  readonly outputs: Readonly<Record<string, string>>;
}

export interface RateExit {
  /** True when the rater pressed q before the last item. */
  readonly quit: boolean;
  /** Items judged (a vote, or scores for both outputs). */
  readonly rated: number;
  readonly skipped: number;
}

export interface RateScreenProps {
  /** What to rate, in order. */
  readonly items: readonly RateItem[];
  /** The two systems compared (stage ids, e.g. ["train", "sft"]); never shown on screen. */
  readonly systems: readonly [string, string];
  /** Seeds which system is "A" on each item. */
  readonly seed: number;
  /** Called once per judgement: one PairwiseRating per vote, two ScoreRatings (A's, then B's) per scoring. */
  readonly onRate: (r: Rating) => void;
  /** Called once, after the last item or on q. */
  readonly onExit: (e: RateExit) => void;
  /** Terminal columns; the two outputs share them. @default 100 */
  readonly columns?: number;
  /** Clock for the ratings' `at`. @default () => new Date() */
  readonly now?: () => Date;
}

/** The systems in the order shown on item `item` ([A, B]): a hash of (seed, item) picks whether to swap them. */
export function shownOrder(systems: readonly [string, string], seed: number, item: number): [string, string] {
  let h = (seed ^ Math.imul(item + 1, 0x9e3779b1)) >>> 0; // murmur3's finalizer over (seed, item)
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h = (h ^ (h >>> 16)) >>> 0;
  return h & 1 ? [systems[1], systems[0]] : [systems[0], systems[1]];
}

const LABELS = ["A", "B"] as const;
const FIELDS = LABELS.flatMap((_, side) => CRITERIA.map((c) => [side, c] as const)); // A's three, then B's three
const VOTE_HELP = "a/1 A better · b/2 B better · t/= tie · s score · n skip · q quit";
const SCORE_HELP = "1-5 score · ←/→/tab move · enter save · esc back to voting · n skip · q quit";

export default function RateScreen({ items, systems, seed, onRate, onExit, columns = 100, now = () => new Date() }: RateScreenProps): React.JSX.Element {
  const [index, setIndex] = useState(0);
  const [mode, setMode] = useState<"vote" | "score">("vote");
  const [scores, setScores] = useState<(number | null)[]>(FIELDS.map(() => null));
  const [field, setField] = useState(0);
  const [tally, setTally] = useState({ rated: 0, skipped: 0 });
  const [message, setMessage] = useState("");
  const [exit, setExit] = useState<RateExit | null>(null);
  const exited = useRef(false);

  useEffect(() => {
    if (exit && !exited.current) {
      exited.current = true;
      onExit(exit);
    }
  }, [exit, onExit]);

  const done = exit !== null || index >= items.length;
  useEffect(() => {
    if (index >= items.length && exit === null) setExit({ quit: false, ...tally });
  }, [index, items.length, exit, tally]);

  const item = items[index];
  const shown = item ? shownOrder(systems, seed, index) : systems;
  const outputs = shown.map((s) => item?.outputs[s] ?? "");

  const next = (t: { rated: number; skipped: number }, note: string) => {
    setTally(t);
    setMessage(note);
    setMode("vote");
    setScores(FIELDS.map(() => null));
    setField(0);
    setIndex((i) => i + 1);
  };

  useInput(
    (input, key) => {
      const k = input.toLowerCase();
      if (k === "q") return setExit({ quit: index < items.length, ...tally });
      if (k === "n") return next({ ...tally, skipped: tally.skipped + 1 }, `skipped item ${index + 1}`);
      if (mode === "vote") {
        const winner = k === "a" || k === "1" ? shown[0] : k === "b" || k === "2" ? shown[1] : k === "t" || k === "=" ? "tie" : null;
        if (k === "s") {
          setMode("score");
          setMessage("");
        } else if (winner !== null) {
          onRate({ at: now().toISOString(), prompt: item.prompt, systems: [shown[0], shown[1]], outputs: [outputs[0], outputs[1]], winner });
          const said = winner === "tie" ? "a tie" : `${winner === shown[0] ? "A" : "B"} better`;
          next({ ...tally, rated: tally.rated + 1 }, `recorded item ${index + 1}: ${said}`);
        }
        return;
      }
      if (key.escape || k === "s") {
        setMode("vote");
        setMessage("");
      } else if (/^[1-5]$/.test(k)) {
        setScores((s) => s.map((v, i) => (i === field ? Number(k) : v)));
        setField((f) => Math.min(FIELDS.length - 1, f + 1));
      } else if (key.leftArrow || key.upArrow || (key.tab && key.shift)) setField((f) => (f + FIELDS.length - 1) % FIELDS.length);
      else if (key.rightArrow || key.downArrow || key.tab) setField((f) => (f + 1) % FIELDS.length);
      else if (key.return) {
        const missing = scores.filter((v) => v === null).length;
        if (missing > 0) return setMessage(`score every field first (${missing} left)`);
        const at = now().toISOString();
        for (const side of [0, 1]) {
          const mine = Object.fromEntries(CRITERIA.map((c, j) => [c, scores[side * CRITERIA.length + j] as number])) as Record<Criterion, number>;
          onRate({ at, prompt: item.prompt, system: shown[side], output: outputs[side], scores: mine });
        }
        next({ ...tally, rated: tally.rated + 1 }, `recorded scores for item ${index + 1}`);
      }
    },
    { isActive: !done },
  );

  if (done) {
    const t = exit ?? { quit: false, ...tally };
    return (
      <Text>
        {t.quit ? "stopped" : "done"}: {t.rated} rated · {t.skipped} skipped of {items.length}
      </Text>
    );
  }

  const half = Math.floor(columns / 2);
  return (
    <Box flexDirection="column" width={columns}>
      <Text dimColor>
        item {index + 1} of {items.length} · {tally.rated} rated · {tally.skipped} skipped{mode === "score" ? " · scoring" : ""}
      </Text>
      <Text bold>Prompt</Text>
      <Text>{item.prompt}</Text>
      <Box>
        {LABELS.map((label, side) => (
          <Box key={label} flexDirection="column" width={half} borderStyle="round" paddingX={1}>
            <Text bold color="cyan">
              {label}
            </Text>
            <Text>{outputs[side]}</Text>
          </Box>
        ))}
      </Box>
      {mode === "score" ? (
        <Box>
          {LABELS.map((label, side) => (
            <Box key={label} flexDirection="column" width={half} paddingX={1}>
              {CRITERIA.map((c, j) => {
                const i = side * CRITERIA.length + j;
                const v = scores[i];
                return (
                  <Text key={c} inverse={i === field}>
                    {i === field ? "›" : " "} {label} {c.padEnd(10)} {"●".repeat(v ?? 0)}
                    {"○".repeat(5 - (v ?? 0))} {v ?? " "}
                  </Text>
                );
              })}
            </Box>
          ))}
        </Box>
      ) : null}
      {message ? <Text color="green">{message}</Text> : null}
      <Text dimColor>{mode === "vote" ? VOTE_HELP : SCORE_HELP}</Text>
    </Box>
  );
}
