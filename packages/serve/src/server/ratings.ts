// POST /v1/ratings: a blind pairwise vote from the chat page's comparison mode, appended to the server's ratings file
// in the format `lathe rate` writes (@lathe/eval's appendRating: one JSONL line, one write then fsync, a torn tail
// healed first), so `lathe eval` counts it in the win rates. Body: {"prompt", "systems": [a, b] (as shown: A, B),
// "outputs": [a, b], "winner": a | b | "tie"}; the server stamps `at`. Answer: the stored rating, object "rating".
import { type PairwiseRating, appendRating, ratingProblem } from "@lathe/eval";
import { ApiError, invalid } from "./errors.ts";

const FIELDS = ["prompt", "systems", "outputs", "winner"] as const;

export interface RatingsRoute {
  /** 404 when the server keeps no ratings file. */
  check(): void;
  /** Validates a vote, appends it (votes are written one at a time, in arrival order) and answers it. */
  post(raw: unknown): Promise<Response>;
}

/** The route for a ratings file (null: votes are refused) and the ids of the served models (a vote names two). */
export function ratingsRoute(file: string | null, models: readonly string[], now: () => Date = () => new Date()): RatingsRoute {
  let last: Promise<unknown> = Promise.resolve();
  const check = () => {
    if (file === null)
      throw new ApiError(404, "not_found_error", "This server keeps no ratings file, so it cannot record votes. Start it with one: lathe serve --ratings FILE (startServer's ratingsFile).", null, "ratings_disabled");
  };
  return {
    check,
    async post(raw) {
      check();
      const rating = parseVote(raw, models, now());
      const write = last.then(() => appendRating(file!, rating));
      last = write.catch(() => {});
      await write;
      return Response.json({ object: "rating", ...rating });
    },
  };
}

/** A vote body → the rating to store; 400s name the field at fault. */
export function parseVote(raw: unknown, models: readonly string[], at: Date): PairwiseRating {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw invalid(null, `The request body must be a JSON object {"prompt", "systems", "outputs", "winner"}, but got ${raw === null ? "null" : Array.isArray(raw) ? "an array" : `a ${typeof raw}`}.`);
  const b = raw as Record<string, unknown>;
  for (const k of Object.keys(b)) if (!(FIELDS as readonly string[]).includes(k)) throw invalid(k, `Unrecognized request argument supplied: ${k}. A vote has ${FIELDS.join(", ")} (the server stamps the time).`, "unknown_parameter");
  for (const k of FIELDS) if (b[k] === undefined) throw invalid(k, `You must provide a ${k} parameter.`);
  if (typeof b.prompt !== "string") throw invalid("prompt", `Invalid type for 'prompt': expected a string, but got ${JSON.stringify(b.prompt)}.`, "invalid_type");
  const pair = (k: "systems" | "outputs") => {
    const v = b[k];
    if (!Array.isArray(v) || v.length !== 2 || v.some((x) => typeof x !== "string"))
      throw invalid(k, `Invalid '${k}': expected two strings (A's, then B's), but got ${JSON.stringify(v)}.`, "invalid_type");
    return v as [string, string];
  };
  const systems = pair("systems");
  const outputs = pair("outputs");
  systems.forEach((s, i) => {
    if (!models.includes(s)) throw invalid(`systems[${i}]`, `The model \`${s}\` is not served here, so it cannot be rated. Served: ${models.map((m) => `\`${m}\``).join(", ")}.`, "model_not_found");
  });
  if (systems[0] === systems[1]) throw invalid("systems", `A vote compares two different models, but both are \`${systems[0]}\`.`, "invalid_value");
  if (b.winner !== "tie" && !systems.includes(b.winner as string))
    throw invalid("winner", `Invalid 'winner': expected ${systems.map((s) => JSON.stringify(s)).join(", ")} or "tie", but got ${JSON.stringify(b.winner)}.`, "invalid_value");
  const rating: PairwiseRating = { at: at.toISOString(), prompt: b.prompt, systems, outputs, winner: b.winner as string };
  const bad = ratingProblem(rating); // the ratings file's own rules (a model called "tie", ...)
  if (bad) throw invalid(null, `This vote cannot be recorded: ${bad[0]}: ${bad[1]}.`, "invalid_value");
  return rating;
}
