import { Random } from "../../predict/random.js";

/**
 * Off-policy evaluation: what a new policy's mean reward would be, estimated from logs of another policy
 * that recorded the probability of each action it took.
 *
 * For row i with action a_i, reward r_i, logging probability p_i = π_b(a_i | x_i) and the evaluated policy's
 * probability e_i = π_e(a_i | x_i), with weight w_i = e_i / p_i:
 * - IPS (inverse propensity): mean of w_i r_i — unbiased when p_i > 0 wherever π_e acts;
 * - SNIPS (self-normalised): Σ w_i r_i / Σ w_i — slightly biased, much less variable;
 * - DR (doubly robust, Dudík et al. 2011): mean of Σ_a π_e(a | x_i) q̂(x_i, a) + w_i (r_i − q̂(x_i, a_i)), with a
 *   reward model q̂; unbiased if either the propensities or q̂ are right.
 * Each estimate comes with a 95 % interval from a bootstrap over rows.
 */

export interface LoggedRow {
  /** The evaluated policy's probability of the logged action. */
  target: number;
  /** The logging policy's probability of it. */
  logging: number;
  reward: number;
  /** DR only: q̂ of the logged action, and Σ_a π_e(a) q̂(a) for the row's context. */
  predicted?: number;
  expectedUnderTarget?: number;
}

export interface Estimate {
  estimator: "IPS" | "SNIPS" | "DR";
  value: number;
  low: number;
  high: number;
}

function ips(rows: readonly LoggedRow[], idx: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < idx.length; k++) {
    const r = rows[idx[k] as number] as LoggedRow;
    s += (r.target / r.logging) * r.reward;
  }
  return s / idx.length;
}

function snips(rows: readonly LoggedRow[], idx: ArrayLike<number>): number {
  let s = 0;
  let w = 0;
  for (let k = 0; k < idx.length; k++) {
    const r = rows[idx[k] as number] as LoggedRow;
    const wi = r.target / r.logging;
    s += wi * r.reward;
    w += wi;
  }
  return w > 0 ? s / w : 0;
}

function dr(rows: readonly LoggedRow[], idx: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < idx.length; k++) {
    const r = rows[idx[k] as number] as LoggedRow;
    s += (r.expectedUnderTarget ?? 0) + (r.target / r.logging) * (r.reward - (r.predicted ?? 0));
  }
  return s / idx.length;
}

const estimators = { IPS: ips, SNIPS: snips, DR: dr } as const;

export function offPolicyEstimates(
  rows: readonly LoggedRow[],
  options: { bootstrap?: number; seed?: number } = {},
): Estimate[] {
  if (rows.length === 0) throw new RangeError("there are no logged rows");
  rows.forEach((r, i) => {
    if (!(r.logging > 0 && r.logging <= 1))
      throw new RangeError(`row ${i + 1}: the logging probability ${r.logging} is not in (0, 1]`);
    if (!(r.target >= 0 && r.target <= 1))
      throw new RangeError(`row ${i + 1}: the target probability ${r.target} is not in [0, 1]`);
  });
  const n = rows.length;
  const all = Uint32Array.from({ length: n }, (_, i) => i);
  const hasModel = rows.every((r) => r.predicted !== undefined && r.expectedUnderTarget !== undefined);
  const names = (hasModel ? ["IPS", "SNIPS", "DR"] : ["IPS", "SNIPS"]) as (keyof typeof estimators)[];
  const b = options.bootstrap ?? 500;
  const rng = new Random(options.seed ?? 1);
  const samples = names.map(() => new Float64Array(b));
  const idx = new Uint32Array(n);
  for (let s = 0; s < b; s++) {
    for (let i = 0; i < n; i++) idx[i] = rng.int(n);
    names.forEach((name, j) => {
      (samples[j] as Float64Array)[s] = estimators[name](rows, idx);
    });
  }
  return names.map((name, j) => {
    const sorted = (samples[j] as Float64Array).sort();
    return {
      estimator: name,
      value: estimators[name](rows, all),
      low: sorted[Math.floor(0.025 * (b - 1))] as number,
      high: sorted[Math.ceil(0.975 * (b - 1))] as number,
    };
  });
}

/** A rate with its 95 % Wilson interval. */
export function rateInterval(successes: number, n: number): { value: number; low: number; high: number } {
  const z = 1.959964;
  const p = n > 0 ? successes / n : 0;
  const d = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / d;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return { value: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}
