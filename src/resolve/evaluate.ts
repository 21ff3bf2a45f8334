/**
 * Accuracy of blocking, scoring and clustering against ground truth (record → true entity id).
 *
 * Pair counts come from group sizes, never from enumerating pairs: the pairs inside a group of s records are
 * C(s, 2), so true positives are Σ C(n_ij, 2) over the cells of the cluster × entity contingency table,
 * predicted pairs Σ C(cluster size, 2) and true pairs Σ C(entity size, 2). In link mode only pairs of records
 * from different sources count; a group's cross-source pairs are C(s, 2) − Σ over its sources of C(s_src, 2).
 *
 * A ratio whose denominator is zero is vacuously 1 (no predicted pairs: no false ones), so a perfect answer
 * on data without matches scores 1 everywhere; F1 is 0 when precision and recall both are.
 */
import type { RecordPairs, ScoredPairs } from "./cluster.js";

/** Dedupe counts every pair of records; link counts only pairs of records from different sources. */
export type PairMode = { mode?: "dedupe" } | { mode: "link"; source: ArrayLike<number> };

export interface PairwiseScores {
  precision: number;
  recall: number;
  f1: number;
  truePositives: number;
  predictedPairs: number;
  truePairs: number;
}

export interface BCubedScores {
  precision: number;
  recall: number;
  f1: number;
}

export interface PairsCompleteness {
  /** Share of the true pairs that are among the candidates. */
  completeness: number;
  /** Distinct true pairs among the candidates. */
  found: number;
  truePairs: number;
}

export interface ThresholdRow {
  threshold: number;
  /** Pairs scored at or above the threshold. */
  predictedPairs: number;
  truePositives: number;
  precision: number;
  /** Against every true pair, so a pair that blocking never produced counts as missed. */
  recall: number;
  f1: number;
}

export interface ThresholdTable {
  /** Rows in the order the thresholds were given. */
  rows: ThresholdRow[];
  /** Every true pair, whether blocking produced it or not. */
  truePairs: number;
  /** True pairs among the scored pairs: the most any threshold can find. */
  candidateTruePairs: number;
}

/** Interns labels into entity ids in order of first appearance; a missing label is an entity of its own. */
export function truthFromLabels(labels: readonly (string | null | undefined)[]): Int32Array {
  const ids = new Map<string, number>();
  const truth = new Int32Array(labels.length);
  let next = 0;
  for (let r = 0; r < labels.length; r++) {
    const label = labels[r];
    if (label === null || label === undefined) {
      truth[r] = next++;
      continue;
    }
    let id = ids.get(label);
    if (id === undefined) {
      id = next++;
      ids.set(label, id);
    }
    truth[r] = id;
  }
  return truth;
}

/** Pairs a comparison of everything with everything would score: n(n−1)/2, or the cross-source pairs. */
export function possiblePairs(n: number, mode: PairMode = {}): number {
  if (mode.mode !== "link") return (n * (n - 1)) / 2;
  checkLength("source", mode.source.length, n);
  const perSource = denseIds(mode.source);
  return choose2(n) - pairsWithin(perSource);
}

/** 1 − candidates / possible pairs: the share of the comparisons that blocking saves. */
export function reductionRatio(candidateCount: number, n: number, mode: PairMode = {}): number {
  const possible = possiblePairs(n, mode);
  return possible === 0 ? 1 : 1 - candidateCount / possible;
}

/** Share of the true matching pairs that blocking produced; a candidate listed twice is found once. */
export function pairsCompleteness(
  truth: ArrayLike<number>,
  candidates: RecordPairs,
  mode: PairMode = {},
): PairsCompleteness {
  const n = truth.length;
  const source = sourceOf(mode, n);
  const keys: number[] = [];
  for (let p = 0; p < candidates.count; p++) {
    const a = candidates.left[p]!;
    const b = candidates.right[p]!;
    if (isTruePair(truth, source, a, b, n)) keys.push(Math.min(a, b) * n + Math.max(a, b));
  }
  const sorted = Float64Array.from(keys).sort();
  let found = 0;
  for (let k = 0; k < sorted.length; k++) if (k === 0 || sorted[k] !== sorted[k - 1]) found++;
  const truePairs = truePairCount(denseIds(truth), source);
  return { completeness: ratio(found, truePairs), found, truePairs };
}

/** Precision, recall and F1 over the pairs that the clusters imply, against the pairs the truth implies. */
export function pairwiseScores(
  truth: ArrayLike<number>,
  clusterOf: ArrayLike<number>,
  mode: PairMode = {},
): PairwiseScores {
  const n = truth.length;
  checkLength("clusterOf", clusterOf.length, n);
  const source = sourceOf(mode, n);
  const entity = denseIds(truth);
  const cluster = denseIds(clusterOf);
  const truePositives = truePairCount(combine(cluster, entity), source);
  const predictedPairs = truePairCount(cluster, source);
  const truePairs = truePairCount(entity, source);
  const precision = ratio(truePositives, predictedPairs);
  const recall = ratio(truePositives, truePairs);
  return { precision, recall, f1: f1(precision, recall), truePositives, predictedPairs, truePairs };
}

/**
 * B-cubed (Bagga & Baldwin 1998; Amigó et al. 2009): for each record, precision is the share of its cluster
 * that is its entity and recall the share of its entity that is in its cluster; both are averaged over the
 * records, and F1 is their harmonic mean.
 */
export function bcubedScores(truth: ArrayLike<number>, clusterOf: ArrayLike<number>): BCubedScores {
  const n = truth.length;
  checkLength("clusterOf", clusterOf.length, n);
  if (n === 0) return { precision: 1, recall: 1, f1: 1 };
  const entity = denseIds(truth);
  const cluster = denseIds(clusterOf);
  const cell = combine(cluster, entity);
  const cellSize = histogram(cell);
  const clusterSize = histogram(cluster);
  const entitySize = histogram(entity);
  let precision = 0;
  let recall = 0;
  for (let r = 0; r < n; r++) {
    const both = cellSize[cell.ids[r]!]!;
    precision += both / clusterSize[cluster.ids[r]!]!;
    recall += both / entitySize[entity.ids[r]!]!;
  }
  precision /= n;
  recall /= n;
  return { precision, recall, f1: f1(precision, recall) };
}

/**
 * For each threshold, the pairs scored at or above it taken directly as matches (no clustering): the table
 * to read when choosing a threshold. Scored pairs are taken as distinct, as blocking produces them.
 */
export function thresholdTable(
  truth: ArrayLike<number>,
  pairs: ScoredPairs,
  thresholds: readonly number[],
  mode: PairMode = {},
): ThresholdTable {
  const n = truth.length;
  const source = sourceOf(mode, n);
  for (const t of thresholds) if (Number.isNaN(t)) throw new RangeError("a threshold is NaN");
  const ascending = [...thresholds].sort((x, y) => x - y);
  // bucket[k]: pairs whose probability reaches exactly the k lowest thresholds.
  const predictedBucket = new Float64Array(ascending.length + 1);
  const trueBucket = new Float64Array(ascending.length + 1);
  for (let p = 0; p < pairs.count; p++) {
    const a = pairs.left[p]!;
    const b = pairs.right[p]!;
    checkRecord(a, n);
    checkRecord(b, n);
    if (a === b || (source && source[a] === source[b])) continue;
    const reached = countAtMost(ascending, pairs.probability[p]!);
    predictedBucket[reached]!++;
    if (truth[a] === truth[b]) trueBucket[reached]!++;
  }
  let candidateTruePairs = 0;
  for (const c of trueBucket) candidateTruePairs += c;
  const truePairs = truePairCount(denseIds(truth), source);
  const rows = thresholds.map((threshold): ThresholdRow => {
    const k = ascending.indexOf(threshold);
    let predictedPairs = 0;
    let truePositives = 0;
    for (let b = k + 1; b <= ascending.length; b++) {
      predictedPairs += predictedBucket[b]!;
      truePositives += trueBucket[b]!;
    }
    const precision = ratio(truePositives, predictedPairs);
    const recall = ratio(truePositives, truePairs);
    return { threshold, predictedPairs, truePositives, precision, recall, f1: f1(precision, recall) };
  });
  return { rows, truePairs, candidateTruePairs };
}

/** Ids renumbered 0..count-1, so that two id arrays can be combined into one key without overflow. */
interface DenseIds {
  ids: Int32Array;
  count: number;
}

function denseIds(values: ArrayLike<number>): DenseIds {
  const sorted = Float64Array.from(values).sort();
  let count = 0;
  for (let k = 0; k < sorted.length; k++)
    if (k === 0 || sorted[k] !== sorted[k - 1]) sorted[count++] = sorted[k]!;
  const ids = new Int32Array(values.length);
  for (let r = 0; r < values.length; r++) {
    const v = values[r]!;
    if (Number.isNaN(v)) throw new RangeError(`record ${r} has no id (NaN)`);
    let lo = 0;
    let hi = count - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    ids[r] = lo;
  }
  return { ids, count };
}

/** One id per distinct (a, b) combination. */
function combine(a: DenseIds, b: DenseIds): DenseIds {
  const keys = new Float64Array(a.ids.length);
  for (let r = 0; r < keys.length; r++) keys[r] = a.ids[r]! * b.count + b.ids[r]!;
  return denseIds(keys);
}

function histogram(groups: DenseIds): Float64Array {
  const sizes = new Float64Array(groups.count);
  for (let r = 0; r < groups.ids.length; r++) sizes[groups.ids[r]!]!++;
  return sizes;
}

function choose2(s: number): number {
  return (s * (s - 1)) / 2;
}

/** Σ C(size, 2) over the groups: the pairs of records that share a group. */
function pairsWithin(groups: DenseIds): number {
  let pairs = 0;
  for (const s of histogram(groups)) pairs += choose2(s);
  return pairs;
}

/** Pairs sharing a group; in link mode only those whose two records come from different sources. */
function truePairCount(groups: DenseIds, source: ArrayLike<number> | undefined): number {
  const all = pairsWithin(groups);
  return source ? all - pairsWithin(combine(groups, denseIds(source))) : all;
}

function isTruePair(
  truth: ArrayLike<number>,
  source: ArrayLike<number> | undefined,
  a: number,
  b: number,
  n: number,
): boolean {
  checkRecord(a, n);
  checkRecord(b, n);
  return a !== b && truth[a] === truth[b] && (!source || source[a] !== source[b]);
}

/** How many of the ascending thresholds are at or below p (0 for NaN). */
function countAtMost(ascending: readonly number[], p: number): number {
  let lo = 0;
  let hi = ascending.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ascending[mid]! <= p) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function sourceOf(mode: PairMode, n: number): ArrayLike<number> | undefined {
  if (mode.mode !== "link") return undefined;
  checkLength("source", mode.source.length, n);
  return mode.source;
}

function checkLength(what: string, length: number, n: number): void {
  if (length !== n) throw new RangeError(`${what} holds ${length} records, the truth ${n}`);
}

function checkRecord(r: number, n: number): void {
  if (!(r >= 0 && r < n)) throw new RangeError(`record ${r} is outside 0..${n - 1}`);
}

function ratio(part: number, whole: number): number {
  return whole === 0 ? 1 : part / whole;
}

function f1(precision: number, recall: number): number {
  return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
}
