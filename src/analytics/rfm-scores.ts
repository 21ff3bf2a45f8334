/**
 * RFM scores: recency, frequency and monetary value each cut into quintiles, 1 (worst) to 5 (best).
 *
 * The tie rule: a value's score is 1 + ⌊5 · (how many values are strictly worse) / n⌋. Equal values therefore
 * always get the same score — the score of the rank where their group starts, i.e. ties go to the lower
 * bucket — and a quintile may hold more or fewer than a fifth of the profiles when values repeat (many
 * one-time buyers share frequency 1). For recency fewer days since the last purchase is better.
 *
 * The four boundaries b₁..b₄ (bₖ = the smallest value with at least k·n/5 values strictly worse) give the same
 * scores to the values they were computed from and score new values without the population: score =
 * 1 + #{k : value ≥ bₖ} (for recency, on the negated days). Incremental updates use them between batch runs.
 */

export interface RfmBoundaries {
  /** Quintile boundaries of −recencyDays (recency is better when smaller). */
  recency: number[];
  frequency: number[];
  monetary: number[];
  /** How many profiles they were computed from. */
  n: number;
}

export interface RfmInput {
  recencyDays: number;
  frequency: number;
  monetary: number;
}

export interface RfmScore extends RfmInput {
  r: number;
  f: number;
  m: number;
  /** "545": R, F and M digits. */
  score: string;
  /** R + F + M, 3 to 15. */
  total: number;
}

/** The boundaries b₁..b₄ of values where higher is better; +∞ when no value reaches that rank. */
export function quintileBoundaries(values: ArrayLike<number>): number[] {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  const out: number[] = [];
  for (let k = 1; k <= 4; k++) {
    const need = (n * k) / 5;
    let found = Number.POSITIVE_INFINITY;
    // The first index of each distinct value is how many values are strictly below it.
    for (let i = 0; i < n; i++) {
      if (i > 0 && sorted[i] === sorted[i - 1]) continue;
      if (i >= need) {
        found = sorted[i]!;
        break;
      }
    }
    out.push(found);
  }
  return out;
}

export function quintileOf(value: number, boundaries: readonly number[]): number {
  let s = 1;
  for (const b of boundaries) if (value >= b) s++;
  return s;
}

export function rfmBoundaries(rows: readonly RfmInput[]): RfmBoundaries {
  return {
    recency: quintileBoundaries(rows.map((r) => -r.recencyDays)),
    frequency: quintileBoundaries(rows.map((r) => r.frequency)),
    monetary: quintileBoundaries(rows.map((r) => r.monetary)),
    n: rows.length,
  };
}

export function rfmScore(row: RfmInput, b: RfmBoundaries): RfmScore {
  const r = quintileOf(-row.recencyDays, b.recency);
  const f = quintileOf(row.frequency, b.frequency);
  const m = quintileOf(row.monetary, b.monetary);
  return { ...row, r, f, m, score: `${r}${f}${m}`, total: r + f + m };
}
