// What the ratings say: wins/losses/ties and win rate per pair of systems, mean 1–5 scores per system and criterion,
// and with more than two systems a Bradley–Terry strength per system (MM iterations) shown on an Elo scale.
import { CRITERIA, isPairwise, type Criterion, type Rating } from "./ratings.ts";

/** Votes between two systems, seen from `a` (a comes before b in the summary's system order). */
export interface PairStats {
  readonly a: string;
  readonly b: string;
  readonly wins: number;
  readonly losses: number;
  readonly ties: number;
  /** wins + losses + ties. */
  readonly n: number;
  /** a's win rate, ties counted as half a win: (wins + ties / 2) / n. */
  readonly winRate: number;
}

export interface CriterionStats {
  readonly mean: number;
  readonly n: number;
  /** Standard error of the mean (sample sd / √n); absent below 2 scores. */
  readonly stderr?: number;
}

export interface SystemScores {
  readonly system: string;
  readonly criteria: Readonly<Record<Criterion, CriterionStats>>;
}

export interface Strength {
  readonly system: string;
  /** Bradley–Terry strength p, scaled so the geometric mean over systems is 1: P(i beats j) = p_i / (p_i + p_j). */
  readonly strength: number;
  /** 1000 + 400·log10(p): the same model on the Elo scale, mean 1000. */
  readonly elo: number;
  /** Wins with ties as half, and votes, over all opponents. */
  readonly wins: number;
  readonly n: number;
}

export interface BradleyTerryFit {
  readonly strengths: readonly Strength[];
  readonly iterations: number;
  /** True when one virtual tie per compared pair was added because the maximum-likelihood fit does not exist. */
  readonly regularized: boolean;
}

export interface RatingSummary {
  /** Every system rated, in order: `order` first, then as they first appear. */
  readonly systems: readonly string[];
  readonly pairs: readonly PairStats[];
  /** Systems with at least one score, in `systems` order. */
  readonly scores: readonly SystemScores[];
  /** With more than two systems in votes, when they are all connected by votes. */
  readonly bradleyTerry?: BradleyTerryFit;
  readonly notes: readonly string[];
}

export interface SummaryOptions {
  /** Preferred system order (e.g. pipeline order: "train" before "sft"); others follow as they first appear. */
  readonly order?: readonly string[];
}

export function summarizeRatings(ratings: readonly Rating[], opts: SummaryOptions = {}): RatingSummary {
  const seen = new Set<string>(opts.order ?? []);
  for (const r of ratings) for (const s of isPairwise(r) ? r.systems : [r.system]) seen.add(s);
  const used = new Set(ratings.flatMap((r) => (isPairwise(r) ? [...r.systems] : [r.system])));
  const systems = [...seen].filter((s) => used.has(s));
  const rank = new Map(systems.map((s, i) => [s, i]));

  // Pairs, oriented by system order.
  const pairMap = new Map<string, { a: string; b: string; wins: number; losses: number; ties: number }>();
  for (const r of ratings) {
    if (!isPairwise(r)) continue;
    const [a, b] = [...r.systems].sort((x, y) => (rank.get(x) as number) - (rank.get(y) as number));
    const key = JSON.stringify([a, b]);
    const p = pairMap.get(key) ?? { a, b, wins: 0, losses: 0, ties: 0 };
    pairMap.set(key, p);
    if (r.winner === "tie") p.ties++;
    else if (r.winner === a) p.wins++;
    else p.losses++;
  }
  const pairs = [...pairMap.values()]
    .sort((x, y) => (rank.get(x.a) as number) - (rank.get(y.a) as number) || (rank.get(x.b) as number) - (rank.get(y.b) as number))
    .map((p) => {
      const n = p.wins + p.losses + p.ties;
      return { ...p, n, winRate: (p.wins + p.ties / 2) / n };
    });

  // Mean scores.
  const raw = new Map<string, Record<Criterion, number[]>>();
  for (const r of ratings) {
    if (isPairwise(r)) continue;
    const m = raw.get(r.system) ?? (Object.fromEntries(CRITERIA.map((c) => [c, []])) as unknown as Record<Criterion, number[]>);
    raw.set(r.system, m);
    for (const c of CRITERIA) m[c].push(r.scores[c]);
  }
  const scores = systems
    .filter((s) => raw.has(s))
    .map((system) => {
      const m = raw.get(system) as Record<Criterion, number[]>;
      return { system, criteria: Object.fromEntries(CRITERIA.map((c) => [c, meanStats(m[c])])) as Record<Criterion, CriterionStats> };
    });

  const notes: string[] = [];
  const voted = systems.filter((s) => pairs.some((p) => p.a === s || p.b === s));
  let bt: BradleyTerryFit | undefined;
  if (voted.length > 2) {
    const idx = new Map(voted.map((s, i) => [s, i]));
    const W = voted.map(() => voted.map(() => 0)); // W[i][j]: i's wins over j, ties as half each way
    for (const p of pairs) {
      const [i, j] = [idx.get(p.a) as number, idx.get(p.b) as number];
      W[i][j] += p.wins + p.ties / 2;
      W[j][i] += p.losses + p.ties / 2;
    }
    const fit = fitBradleyTerry(W);
    if (fit === null) notes.push(`Bradley–Terry not fitted: the votes split the systems into groups never compared with each other`);
    else {
      if (fit.regularized) notes.push("Bradley–Terry: some system never lost or never won, so one virtual tie was added per compared pair");
      const logs = fit.p.map((x) => 400 * Math.log10(x));
      const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
      bt = {
        iterations: fit.iterations,
        regularized: fit.regularized,
        strengths: voted.map((system, i) => ({
          system,
          strength: fit.p[i],
          elo: 1000 + logs[i] - mean,
          wins: W[i].reduce((a, b) => a + b, 0),
          n: W[i].reduce((a, w, j) => a + w + W[j][i], 0),
        })),
      };
    }
  }
  return { systems, pairs, scores, ...(bt ? { bradleyTerry: bt } : {}), notes };
}

function meanStats(xs: readonly number[]): CriterionStats {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, n };
  const v = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1);
  return { mean, n, stderr: Math.sqrt(v / n) };
}

/**
 * Bradley–Terry maximum likelihood by Hunter's MM (Zermelo) iterations: p_i ← W_i / Σ_j N_ij / (p_i + p_j), then
 * rescaled to geometric mean 1, until no log p moves by more than `tol`. W[i][j] = i's wins over j (ties as half
 * each way), N_ij = W[i][j] + W[j][i]. The MLE exists iff the "beat" graph (i → j when W[i][j] > 0) is strongly
 * connected; when it is not, one virtual tie per compared pair is added (`regularized`). Null when the compared
 * pairs do not connect all systems (no common scale). Deterministic: plain Jacobi sweeps in index order.
 */
export function fitBradleyTerry(
  W: readonly (readonly number[])[],
  opts: { readonly tol?: number; readonly maxIterations?: number } = {},
): { p: number[]; iterations: number; regularized: boolean } | null {
  const k = W.length;
  const compared = (i: number, j: number) => W[i][j] + W[j][i] > 0;
  if (!stronglyConnected(k, compared)) return null;
  const regularized = !stronglyConnected(k, (i, j) => W[i][j] > 0);
  const w = W.map((row, i) => row.map((x, j) => (regularized && i !== j && compared(i, j) ? x + 0.5 : x)));
  const wins = w.map((row) => row.reduce((a, b) => a + b, 0));
  const tol = opts.tol ?? 1e-12;
  const max = opts.maxIterations ?? 100_000;
  let p = new Array<number>(k).fill(1);
  let it = 0;
  while (it < max) {
    it++;
    const next = p.map((pi, i) => {
      let d = 0;
      for (let j = 0; j < k; j++) if (j !== i) d += (w[i][j] + w[j][i]) / (pi + p[j]);
      return wins[i] / d;
    });
    const g = Math.exp(next.reduce((a, x) => a + Math.log(x), 0) / k);
    const scaled = next.map((x) => x / g);
    const moved = Math.max(...scaled.map((x, i) => Math.abs(Math.log(x) - Math.log(p[i]))));
    p = scaled;
    if (moved < tol) break;
  }
  return { p, iterations: it, regularized };
}

/** Every node reaches every other along `edge(i, j)` (i → j), checked from node 0 forwards and backwards. */
function stronglyConnected(k: number, edge: (i: number, j: number) => boolean): boolean {
  const reach = (fwd: boolean) => {
    const seen = new Set([0]);
    const stack = [0];
    while (stack.length > 0) {
      const i = stack.pop() as number;
      for (let j = 0; j < k; j++) if (!seen.has(j) && (fwd ? edge(i, j) : edge(j, i))) seen.add(j), stack.push(j);
    }
    return seen.size === k;
  };
  return reach(true) && reach(false);
}
