import { type CompiledComparison, nullLevel } from "./comparison.js";
import { type ComparisonModel, minProbability } from "./model.js";
import type { ListFeature, RecordTable, TextFeature } from "./record-table.js";

/**
 * Training without labels. u-probabilities come from pairs drawn at random (nearly all of them are
 * different people); m-probabilities and the match rate come from expectation-maximisation over the
 * comparison levels of blocked candidate pairs, with u held fixed.
 */

/** The level of every comparison for a set of pairs: row p, comparison c at `levels[p * comparisons + c]`. */
export interface LevelMatrix {
  pairs: number;
  comparisons: number;
  levels: Int8Array;
}

export function levelMatrix(
  compiled: CompiledComparison[],
  left: Int32Array,
  right: Int32Array,
  count = left.length,
): LevelMatrix {
  const c = compiled.length;
  const levels = new Int8Array(count * c);
  for (let p = 0; p < count; p++) {
    const i = left[p] as number;
    const j = right[p] as number;
    for (let k = 0; k < c; k++) levels[p * c + k] = (compiled[k] as CompiledComparison).compare(i, j);
  }
  return { pairs: count, comparisons: c, levels };
}

/** A small fast seeded generator (mulberry32), so that training is reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The chance that two records drawn at random share a value of a text feature: Σ f² over its values' shares.
 * Exact, where sampling would see a rare agreement (the same e-mail) a handful of times or never.
 */
function agreementByChance(f: TextFeature | ListFeature): number {
  let sum = 0;
  for (let c = 0; c < f.frequency.length; c++) sum += (f.frequency[c] as number) ** 2;
  return sum;
}

/**
 * u from random pairs: the share of random pairs at each level, among those where the comparison is
 * not null. A pseudo-count keeps a level never seen at random from claiming infinite evidence. When the
 * first level is exact agreement on text (and records are deduplicated, not linked), its u is computed from
 * the values' frequencies, and the samples share out the rest among the other levels.
 */
export function estimateU(
  table: RecordTable,
  compiled: CompiledComparison[],
  options: { samples?: number; seed?: number; link?: boolean } = {},
): number[][] {
  const samples = options.samples ?? 1_000_000;
  const random = seededRandom(options.seed ?? 42);
  const counts = compiled.map((c) => new Float64Array(c.labels.length + 1));
  const n = table.size;
  if (n < 2) return counts.map((c) => Array.from(c, () => 1 / c.length));
  const count = compiled.length;
  let drawn = 0;
  for (let attempt = 0; drawn < samples && attempt < samples * 20; attempt++) {
    const i = Math.floor(random() * n);
    const j = Math.floor(random() * n);
    if (i === j) continue;
    if (options.link && table.source[i] === table.source[j]) continue;
    drawn++;
    for (let k = 0; k < count; k++) {
      const level = (compiled[k] as CompiledComparison).compare(i, j);
      if (level !== nullLevel) {
        const ck = counts[k] as Float64Array;
        ck[level] = (ck[level] as number) + 1;
      }
    }
  }
  return counts.map((c, k) => {
    const exact = options.link ? null : (compiled[k] as CompiledComparison).exactFirst;
    if (exact === null || c.length < 2) {
      const total = c.reduce((a, b) => a + b, 0);
      return Array.from(c, (x) => (x + 0.5) / (total + 0.5 * c.length));
    }
    const u0 = Math.max(agreementByChance(exact), 1 / (n * n));
    let rest = 0;
    for (let l = 1; l < c.length; l++) rest += c[l] as number;
    const shares = Array.from(c, (x, l) =>
      l === 0 ? u0 : ((1 - u0) * (x + 0.5)) / (rest + 0.5 * (c.length - 1)),
    );
    return shares;
  });
}

export interface EmOptions {
  /** Comparisons left out of this round (those the blocking rule already made agree). */
  exclude?: Set<number>;
  maxIterations?: number;
  tolerance?: number;
  initialMatchRate?: number;
}

export interface EmResult {
  /** m per comparison and level; null for excluded comparisons. */
  m: (number[] | null)[];
  /** The share of the given pairs that are matches. */
  matchRate: number;
  iterations: number;
  converged: boolean;
}

/** The usual starting point: agreement levels likely among matches, the else level unlikely. */
export function initialM(levelCount: number): number[] {
  const raw = Array.from({ length: levelCount }, (_, k) => (k === levelCount - 1 ? 0.05 : 0.9 / 2 ** k));
  const total = raw.reduce((a, b) => a + b, 0);
  return raw.map((x) => x / total);
}

export function expectationMaximisation(
  matrix: LevelMatrix,
  u: number[][],
  options: EmOptions = {},
): EmResult {
  const { pairs, comparisons, levels } = matrix;
  const exclude = options.exclude ?? new Set<number>();
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-5;
  let m: number[][] = u.map((uc) => initialM(uc.length));
  let lambda = options.initialMatchRate ?? 0.1;
  const active = Array.from({ length: comparisons }, (_, c) => c).filter((c) => !exclude.has(c));
  const logRatio = u.map((uc) => new Float64Array(uc.length));
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    iterations++;
    for (const c of active) {
      const uc = u[c] as number[];
      const mc = m[c] as number[];
      const lr = logRatio[c] as Float64Array;
      for (let l = 0; l < uc.length; l++)
        lr[l] = Math.log(Math.max(mc[l] as number, minProbability)) - Math.log(uc[l] as number);
    }
    const sums = u.map((uc) => new Float64Array(uc.length));
    const present = new Float64Array(comparisons);
    const priorLog = Math.log(lambda) - Math.log(1 - lambda);
    let total = 0;
    for (let p = 0; p < pairs; p++) {
      let s = priorLog;
      const row = p * comparisons;
      for (const c of active) {
        const level = levels[row + c] as number;
        if (level !== nullLevel) s += (logRatio[c] as Float64Array)[level] as number;
      }
      const posterior = 1 / (1 + Math.exp(-s));
      total += posterior;
      for (const c of active) {
        const level = levels[row + c] as number;
        if (level === nullLevel) continue;
        const sc = sums[c] as Float64Array;
        sc[level] = (sc[level] as number) + posterior;
        present[c] = (present[c] as number) + posterior;
      }
    }
    const nextLambda = Math.min(1 - 1e-9, Math.max(1e-9, total / pairs));
    let change = Math.abs(nextLambda - lambda);
    const next = m.map((mc, c) => {
      if (!active.includes(c) || (present[c] as number) === 0) return mc;
      return mc.map((old, l) => {
        // Half a pseudo-pair per level: a level no match happened to reach in training gets a small m,
        // not a vanishing one that would make it near-certain proof of a non-match.
        const value =
          (((sums[c] as Float64Array)[l] as number) + 0.5) / ((present[c] as number) + 0.5 * mc.length);
        change = Math.max(change, Math.abs(value - old));
        return value;
      });
    });
    m = next;
    lambda = nextLambda;
    if (change < tolerance) {
      converged = true;
      break;
    }
  }
  return { m: m.map((mc, c) => (exclude.has(c) ? null : mc)), matchRate: lambda, iterations, converged };
}

/** Joins m and u into the model's comparison weights. */
export function comparisonModels(
  compiled: CompiledComparison[],
  m: number[][],
  u: number[][],
  termFrequency: boolean[],
): ComparisonModel[] {
  return compiled.map((c, k) => ({
    name: c.name,
    termFrequency: termFrequency[k] ?? false,
    levels: [...c.labels, "else"].map((label, l) => ({
      label,
      m: (m[k] as number[])[l] as number,
      u: (u[k] as number[])[l] as number,
    })),
  }));
}
