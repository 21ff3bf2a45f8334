import { encode, fitEncoder } from "./encode.js";
import { type Frame, take, takeRows } from "./frame.js";
import { fitGbdt, type GbdtOptions, gbdtImportance, predictGbdt } from "./gbdt.js";
import { fitLogistic, predictLogistic } from "./logistic.js";
import { Random } from "./random.js";
import { stratifiedSplit } from "./split.js";

/**
 * Lookalike audiences: given a seed (profiles we like — best customers, converters), rank everybody else by
 * how much they resemble it, two ways, and blend them:
 * - a seed-versus-rest classifier (boosted trees or logistic regression). The rest are unlabelled rather
 *   than negative (some of them are the lookalikes we want), so each part of the rest is scored by a model
 *   that did not see it (cross-fitting), never by one that learnt it as a negative;
 * - a nearest-neighbour view: how many of a profile's nearest profiles are seed members, in the scaled
 *   feature space weighted by what the classifier found telling.
 * And which features drive it: the classifier's importance with how the seed differs from the rest.
 */

export interface LookalikeOptions {
  classifier?: "gbdt" | "logistic";
  gbdt?: GbdtOptions;
  /** Nearest profiles each candidate is compared with in the neighbour view (default 25). */
  neighbours?: number;
  /**
   * At most this many seed members and as many others (sampled) serve as the neighbour view's reference
   * (default 1000): the view costs candidates × twice this.
   */
  maxNeighbourReference?: number;
  /**
   * Weight of the neighbour view in the blend, 0…1 (0 ranks by the classifier alone). Default 0.3; the
   * evaluation, when it runs first, chooses one instead.
   */
  blend?: number;
  /** Cross-fitting folds over the rest (default 3). */
  folds?: number;
  seed?: number;
  progress?: (stage: string, detail?: string) => void;
}

export interface RankedCandidate {
  /** Row index in the frame. */
  row: number;
  /** Blended score in [0, 1]: the weighted mean of the two views' percentile ranks. */
  score: number;
  /** The classifier's probability of "looks like the seed". */
  classifier: number;
  /** The estimated share of seed members among the profiles nearest to this one. */
  neighbours: number;
}

export type FeatureExplanation =
  | {
      feature: string;
      importance: number;
      kind: "numeric";
      seedMean: number;
      restMean: number;
      /** (seed mean − rest mean) / pooled standard deviation. */
      effectSize: number;
    }
  | {
      feature: string;
      importance: number;
      kind: "categorical";
      /** The levels most over-represented in the seed. */
      levels: { level: string; seedShare: number; restShare: number; ratio: number }[];
    };

export interface LookalikeResult {
  seedSize: number;
  /** Every row not in the seed, best first. */
  ranking: RankedCandidate[];
  explanation: FeatureExplanation[];
}

/** Each value's rank among them, 0 (lowest) to 1 (highest), ties sharing their mean rank. */
function percentileRanks(values: Float64Array): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (values[a] as number) - (values[b] as number),
  );
  const out = new Float64Array(n);
  for (let k = 0; k < n; ) {
    let j = k;
    while (j < n && values[order[j] as number] === values[order[k] as number]) j++;
    const rank = n > 1 ? (k + j - 1) / 2 / (n - 1) : 1;
    for (let m = k; m < j; m++) out[order[m] as number] = rank;
    k = j;
  }
  return out;
}

/** Classifier probabilities for the rest rows, each fold scored by a model trained without it. */
function crossFitted(
  frame: Frame,
  isSeed: Uint8Array,
  rest: number[],
  options: Required<Pick<LookalikeOptions, "classifier" | "folds" | "seed">> & { gbdt?: GbdtOptions },
  progress: (stage: string, detail?: string) => void,
): { scores: Float64Array; importance: Map<string, number> } {
  const rng = new Random(options.seed);
  const shuffled = [...rest];
  rng.shuffle(shuffled);
  const fold = new Int32Array(frame.rows).fill(-1);
  shuffled.forEach((row, k) => {
    fold[row] = k % options.folds;
  });
  const scores = new Float64Array(frame.rows);
  const importance = new Map<string, number>();
  for (let f = 0; f < options.folds; f++) {
    progress("classifier", `fold ${f + 1} of ${options.folds}`);
    const trainRows: number[] = [];
    const scoreRows: number[] = [];
    for (let i = 0; i < frame.rows; i++) {
      if (fold[i] === f) scoreRows.push(i);
      else trainRows.push(i);
    }
    const train = takeRows(frame, trainRows);
    const y = take(isSeed, trainRows);
    const toScore = takeRows(frame, scoreRows);
    let p: Float64Array;
    if (options.classifier === "gbdt") {
      const inner = stratifiedSplit(y, 0.2, options.seed + f);
      const tuned = fitGbdt(
        takeRows(train, inner.train),
        take(y, inner.train),
        {
          earlyStoppingMetric: "auc",
          numLeaves: 15,
          featureFraction: 0.8,
          baggingFraction: 0.8,
          ...options.gbdt,
        },
        { frame: takeRows(train, inner.test), labels: take(y, inner.test) },
      );
      const model = fitGbdt(train, y, {
        numLeaves: 15,
        featureFraction: 0.8,
        baggingFraction: 0.8,
        ...options.gbdt,
        rounds: tuned.bestIteration,
      });
      p = predictGbdt(model, toScore);
      for (const { feature, share } of gbdtImportance(model))
        importance.set(feature, (importance.get(feature) ?? 0) + share / options.folds);
    } else {
      const model = fitLogistic(train, y, { lambda: 1e-3 });
      p = predictLogistic(model, toScore);
      const total = model.weights.reduce((s, w) => s + Math.abs(w), 0) || 1;
      model.encoder.features.forEach((name, j) => {
        const column =
          model.encoder.columns.find(
            (c) =>
              name === c.column ||
              name.startsWith(`${c.column}=`) ||
              name === `log1p(${c.column})` ||
              name === `${c.column} missing`,
          )?.column ?? name;
        importance.set(
          column,
          (importance.get(column) ?? 0) + Math.abs(model.weights[j] as number) / total / options.folds,
        );
      });
    }
    scoreRows.forEach((row, k) => {
      scores[row] = p[k] as number;
    });
  }
  return { scores, importance };
}

/**
 * For each rest row, the share of seed members among its k nearest profiles in a reference sample of the
 * seed and of the rest (each weighted back by its sampling rate): a nearest-neighbour estimate of "how
 * seed-like is this neighbourhood". Plain distance to the nearest seed members would favour anybody in a
 * dense region. Features are scaled and weighted by the classifier's importance of their column.
 */
function neighbourShares(
  frame: Frame,
  isSeed: Uint8Array,
  seedRows: number[],
  rest: number[],
  importance: Map<string, number>,
  k: number,
  maxReference: number,
  seed: number,
): Float64Array {
  const encoder = fitEncoder(frame, { minLevelCount: 5 });
  const X = encode(encoder, frame);
  const p = encoder.features.length;
  const widths = encoder.columns.map((c) =>
    c.kind === "numeric"
      ? c.missingIndicator
        ? 2
        : 1
      : c.levels.length + (c.other ? 1 : 0) + (c.missing ? 1 : 0),
  );
  const weights = new Float64Array(p);
  let j = 0;
  encoder.columns.forEach((c, ci) => {
    const width = widths[ci] as number;
    const w = (importance.get(c.column) ?? 0) / width;
    for (let m = 0; m < width; m++) weights[j++] = Math.sqrt(w);
  });
  for (let i = 0; i < frame.rows; i++)
    for (let q = 0; q < p; q++) X[i * p + q] = (X[i * p + q] as number) * (weights[q] as number);
  const rng = new Random(seed);
  const sample = (rows: number[]) => {
    if (rows.length <= maxReference) return rows;
    const copy = [...rows];
    rng.shuffle(copy);
    return copy.slice(0, maxReference);
  };
  const seedRef = sample(seedRows);
  const restRef = sample(rest);
  const reference = [...seedRef, ...restRef];
  // Each reference member stands for this many of its group.
  const seedWeight = seedRows.length / seedRef.length;
  const restWeight = rest.length / restRef.length;
  const kk = Math.min(k, reference.length - 1);
  const out = new Float64Array(frame.rows);
  const bestD = new Float64Array(kk);
  const bestR = new Int32Array(kk);
  for (const row of rest) {
    bestD.fill(Number.POSITIVE_INFINITY);
    bestR.fill(-1);
    const a = row * p;
    for (const r of reference) {
      if (r === row) continue;
      const b = r * p;
      let d = 0;
      for (let q = 0; q < p; q++) {
        const diff = (X[a + q] as number) - (X[b + q] as number);
        d += diff * diff;
      }
      // Keep the k nearest (k is small: insertion into a sorted array).
      if (d < (bestD[kk - 1] as number)) {
        let m = kk - 1;
        while (m > 0 && (bestD[m - 1] as number) > d) {
          bestD[m] = bestD[m - 1] as number;
          bestR[m] = bestR[m - 1] as number;
          m--;
        }
        bestD[m] = d;
        bestR[m] = r;
      }
    }
    let seedMass = 0;
    let restMass = 0;
    for (let m = 0; m < kk; m++) {
      const r = bestR[m] as number;
      if (r < 0) continue;
      if (isSeed[r]) seedMass += seedWeight;
      else restMass += restWeight;
    }
    out[row] = seedMass + restMass > 0 ? seedMass / (seedMass + restMass) : 0;
  }
  return out;
}

function explain(frame: Frame, isSeed: Uint8Array, importance: Map<string, number>): FeatureExplanation[] {
  const out: FeatureExplanation[] = [];
  for (const c of frame.columns) {
    const imp = importance.get(c.name) ?? 0;
    if (c.kind === "numeric") {
      const stats = [0, 0].map(() => ({ n: 0, sum: 0, sq: 0 }));
      for (let i = 0; i < frame.rows; i++) {
        const v = c.values[i] as number;
        if (Number.isNaN(v)) continue;
        const s = stats[isSeed[i] as number] as { n: number; sum: number; sq: number };
        s.n++;
        s.sum += v;
        s.sq += v * v;
      }
      const [rest, seed] = stats as [
        { n: number; sum: number; sq: number },
        { n: number; sum: number; sq: number },
      ];
      const mean = (s: typeof rest) => (s.n > 0 ? s.sum / s.n : Number.NaN);
      const variance = (s: typeof rest) => (s.n > 1 ? (s.sq - (s.sum * s.sum) / s.n) / (s.n - 1) : 0);
      const pooled = Math.sqrt(
        ((seed.n - 1) * variance(seed) + (rest.n - 1) * variance(rest)) / Math.max(1, seed.n + rest.n - 2),
      );
      out.push({
        feature: c.name,
        importance: imp,
        kind: "numeric",
        seedMean: mean(seed),
        restMean: mean(rest),
        effectSize: pooled > 0 ? (mean(seed) - mean(rest)) / pooled : 0,
      });
      continue;
    }
    const seedCounts = new Map<number, number>();
    const restCounts = new Map<number, number>();
    let nSeed = 0;
    let nRest = 0;
    for (let i = 0; i < frame.rows; i++) {
      const code = c.codes[i] as number;
      const counts = isSeed[i] ? seedCounts : restCounts;
      if (isSeed[i]) nSeed++;
      else nRest++;
      counts.set(code, (counts.get(code) ?? 0) + 1);
    }
    const levels = [...new Set([...seedCounts.keys(), ...restCounts.keys()])]
      .map((code) => {
        const seedShare = (seedCounts.get(code) ?? 0) / Math.max(1, nSeed);
        const restShare = (restCounts.get(code) ?? 0) / Math.max(1, nRest);
        return {
          level: code < 0 ? "(missing)" : (c.levels[code] as string),
          seedShare,
          restShare,
          // Shrunk towards 1 so that a level seen twice does not top the list.
          ratio: (seedShare * nSeed + 1) / (nSeed + 1) / ((restShare * nRest + 1) / (nRest + 1)),
        };
      })
      .filter((l) => l.seedShare >= 0.01)
      .sort((a, b) => b.ratio - a.ratio)
      .slice(0, 5);
    out.push({ feature: c.name, importance: imp, kind: "categorical", levels });
  }
  return out.sort((a, b) => b.importance - a.importance);
}

export function lookalike(
  frame: Frame,
  isSeed: ArrayLike<number>,
  options: LookalikeOptions = {},
): LookalikeResult {
  const progress = options.progress ?? (() => {});
  const seedFlags = Uint8Array.from(isSeed);
  if (seedFlags.length !== frame.rows)
    throw new RangeError(`${frame.rows} rows but ${seedFlags.length} seed flags`);
  const seedRows: number[] = [];
  const rest: number[] = [];
  for (let i = 0; i < frame.rows; i++) (seedFlags[i] ? seedRows : rest).push(i);
  if (seedRows.length < 10)
    throw new RangeError(`a seed of ${seedRows.length} profiles is too small: give at least 10`);
  if (rest.length < 10) throw new RangeError("almost everybody is in the seed: there is nobody left to rank");
  const folds = options.folds ?? 3;
  const seed = options.seed ?? 1;
  const blend = options.blend ?? 0.3;
  const { scores, importance } = crossFitted(
    frame,
    seedFlags,
    rest,
    {
      classifier: options.classifier ?? "gbdt",
      folds,
      seed,
      ...(options.gbdt ? { gbdt: options.gbdt } : {}),
    },
    progress,
  );
  const maxReference = options.maxNeighbourReference ?? 1000;
  progress(
    "neighbours",
    `${rest.length} candidates against a reference of up to ${2 * maxReference} profiles`,
  );
  const shares = neighbourShares(
    frame,
    seedFlags,
    seedRows,
    rest,
    importance,
    options.neighbours ?? 25,
    maxReference,
    seed,
  );
  const restScores = Float64Array.from(rest, (r) => scores[r] as number);
  const restShares = Float64Array.from(rest, (r) => shares[r] as number);
  const classifierRank = percentileRanks(restScores);
  const neighbourRank = percentileRanks(restShares);
  const ranking: RankedCandidate[] = rest.map((row, k) => ({
    row,
    score: (1 - blend) * (classifierRank[k] as number) + blend * (neighbourRank[k] as number),
    classifier: restScores[k] as number,
    neighbours: restShares[k] as number,
  }));
  ranking.sort((a, b) => b.score - a.score || b.classifier - a.classifier || a.row - b.row);
  return { seedSize: seedRows.length, ranking, explanation: explain(frame, seedFlags, importance) };
}

export interface LookalikeEvaluation {
  /** Seed members hidden in each of the two rounds (each half hidden once). */
  hidden: number;
  candidates: number;
  /**
   * Share of the hidden half found in the top 5 %, 10 %, 20 % of candidates, by the blend at `blend`, the
   * classifier alone and the neighbour view alone; a random ranking finds 5, 10, 20 %.
   */
  recall: Record<"top5" | "top10" | "top20", { blend: number; classifier: number; neighbours: number }>;
  /** The same for each blend weight tried (re-ranking the same two views costs nothing). */
  blends: { weight: number; top5: number; top10: number; top20: number }[];
  /**
   * The weight with the best recall in the top 10 % (ties: the smaller weight): what a run without a
   * weight of its own then uses. Choosing it on the same halves makes its own recall slightly optimistic.
   */
  blend: number;
}

/** Blend weights the evaluation tries. */
export const blendGrid = [0, 0.15, 0.3, 0.5, 0.7, 1];

/**
 * Hides half the seed, builds the lookalike from the other half, and counts how many hidden members come
 * out in the top 5/10/20 % of the candidates (everybody outside the visible half); then swaps the halves and
 * averages. Every blend weight of `blendGrid` is scored on the same two views.
 */
export function evaluateLookalike(
  frame: Frame,
  isSeed: ArrayLike<number>,
  options: LookalikeOptions = {},
): LookalikeEvaluation {
  const progress = options.progress ?? (() => {});
  const members: number[] = [];
  for (let i = 0; i < isSeed.length; i++) if (isSeed[i]) members.push(i);
  const rng = new Random((options.seed ?? 1) + 7);
  rng.shuffle(members);
  const halves = [members.slice(0, members.length >> 1), members.slice(members.length >> 1)];
  const fractions = { top5: 0.05, top10: 0.1, top20: 0.2 } as const;
  const keys = Object.keys(fractions) as (keyof typeof fractions)[];
  const zero = () => ({ top5: 0, top10: 0, top20: 0 });
  const weights =
    options.blend !== undefined && !blendGrid.includes(options.blend)
      ? [...blendGrid, options.blend].sort((a, b) => a - b)
      : blendGrid;
  const byWeight = weights.map(zero);
  const classifier = zero();
  const neighbours = zero();
  let candidates = 0;
  let hiddenTotal = 0;
  /** Share of the hidden rows among the first k% of rows ordered by `score` (highest first). */
  const found = (rows: number[], score: Float64Array, hidden: Set<number>, fraction: number) => {
    const order = rows
      .map((_, k) => k)
      .sort(
        (a, b) => (score[b] as number) - (score[a] as number) || (rows[a] as number) - (rows[b] as number),
      );
    const k = Math.round(fraction * rows.length);
    let n = 0;
    for (let i = 0; i < k; i++) if (hidden.has(rows[order[i] as number] as number)) n++;
    return n / hidden.size;
  };
  for (let round = 0; round < 2; round++) {
    const visible = halves[round] as number[];
    const hidden = new Set(halves[1 - round]);
    progress("evaluate", `round ${round + 1} of 2: ${visible.length} visible, ${hidden.size} hidden`);
    const flags = new Uint8Array(frame.rows);
    for (const i of visible) flags[i] = 1;
    const result = lookalike(frame, flags, { ...options, progress });
    candidates = result.ranking.length;
    hiddenTotal += hidden.size;
    const rows = result.ranking.map((r) => r.row);
    const c = Float64Array.from(result.ranking, (r) => r.classifier);
    const nb = Float64Array.from(result.ranking, (r) => r.neighbours);
    const cRank = percentileRanks(c);
    const nRank = percentileRanks(nb);
    for (const key of keys) {
      classifier[key] += found(rows, c, hidden, fractions[key]) / 2;
      neighbours[key] += found(rows, nb, hidden, fractions[key]) / 2;
      weights.forEach((w, i) => {
        const blended = cRank.map((v, k) => (1 - w) * v + w * (nRank[k] as number));
        (byWeight[i] as ReturnType<typeof zero>)[key] += found(rows, blended, hidden, fractions[key]) / 2;
      });
    }
  }
  let best = 0;
  byWeight.forEach((r, i) => {
    if (r.top10 > (byWeight[best] as ReturnType<typeof zero>).top10 + 1e-9) best = i;
  });
  const weight = options.blend ?? (weights[best] as number);
  const blendRecall = byWeight[weights.indexOf(weight)] as ReturnType<typeof zero>;
  const recall = Object.fromEntries(
    keys.map((key) => [
      key,
      { blend: blendRecall[key], classifier: classifier[key], neighbours: neighbours[key] },
    ]),
  ) as LookalikeEvaluation["recall"];
  return {
    hidden: Math.round(hiddenTotal / 2),
    candidates,
    recall,
    blends: weights.map((w, i) => ({ weight: w, ...(byWeight[i] as ReturnType<typeof zero>) })),
    blend: weight,
  };
}
