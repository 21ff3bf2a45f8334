import type { Frame } from "./frame.js";
import { B, binFrame, type FeatureBins, fitBins } from "./gbdt-bins.js";
import { type Tree, treeGrower } from "./gbdt-tree.js";
import { rocAuc } from "./metrics.js";
import { Random } from "./random.js";

export { binFrame, type FeatureBins, fitBins } from "./gbdt-bins.js";
export type { Tree } from "./gbdt-tree.js";

/**
 * Gradient-boosted decision trees for a binary label, histogram-based (after LightGBM, Ke et al. 2017):
 * every feature is cut into at most 255 bins once (quantiles of numeric values; categories by frequency,
 * rare ones pooled), and each split is found by scanning per-bin sums of gradient and hessian instead of
 * sorted values. Trees grow leaf-wise (best gain first) up to a number of leaves; a child's histogram is
 * its parent's minus its sibling's, so only the smaller child is counted. Missing values take whichever side
 * gains more. Categorical splits sort the categories by gradient/hessian and cut that order (Fisher 1958).
 * The loss is the log loss; rows can be bagged and features sampled per tree; boosting stops early when the
 * validation loss stops falling. Each score can be explained as a sum of per-feature contributions
 * (Saabas' path attribution).
 *
 * The binning is in gbdt-bins.ts and the growing of one tree in gbdt-tree.ts; this file holds the options,
 * the boosting loop, prediction and the explanations of a score.
 */

export interface GbdtOptions {
  /** Most trees (default 1000; early stopping usually ends sooner). */
  rounds?: number;
  learningRate?: number;
  numLeaves?: number;
  /** Deepest a leaf may be (0: no limit). */
  maxDepth?: number;
  minDataInLeaf?: number;
  minSumHessian?: number;
  /** L2 penalty on leaf values. */
  lambda?: number;
  /** Smallest gain worth a split. */
  minGain?: number;
  /** Share of features each tree may use. */
  featureFraction?: number;
  /** Share of rows each tree sees. */
  baggingFraction?: number;
  maxBins?: number;
  /** Stop after this many trees without a better validation loss (needs validation rows). */
  earlyStoppingRounds?: number;
  /**
   * What "better" means on the validation rows: log loss (default), or AUC — which ignores a shift of the
   * base rate between training and validation periods (a time-aware split) and judges only the ranking.
   */
  earlyStoppingMetric?: "logloss" | "auc";
  /** Added to a category's hessian when ordering categories, and to the penalty of categorical splits. */
  catSmooth?: number;
  catLambda?: number;
  seed?: number;
  /** Row weights (e.g. to balance classes). */
  weights?: ArrayLike<number>;
  onRound?: (round: number, trainLoss: number, validationLoss: number | null) => void;
}

const defaults = {
  rounds: 1000,
  learningRate: 0.05,
  numLeaves: 31,
  maxDepth: 0,
  minDataInLeaf: 20,
  minSumHessian: 1e-3,
  lambda: 1,
  minGain: 0,
  featureFraction: 1,
  baggingFraction: 1,
  maxBins: 255,
  earlyStoppingRounds: 50,
  earlyStoppingMetric: "logloss" as "logloss" | "auc",
  catSmooth: 10,
  catLambda: 10,
  seed: 1,
};

export interface GbdtModel {
  kind: "gbdt";
  bins: FeatureBins[];
  init: number;
  learningRate: number;
  trees: Tree[];
  /** Total split gain per feature. */
  importance: number[];
  /** Validation log loss (or 1 − AUC) after each tree, when there were validation rows. */
  validationLoss: number[];
  bestIteration: number;
  options: Required<Omit<GbdtOptions, "weights" | "onRound">>;
}

function logLoss(F: Float64Array, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < F.length; i++) {
    const f = F[i] as number;
    // log(1 + e^f) − y f
    s += (f > 0 ? f + Math.log1p(Math.exp(-f)) : Math.log1p(Math.exp(f))) - (y[i] as number) * f;
  }
  return s / Math.max(1, F.length);
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

export function fitGbdt(
  frame: Frame,
  labels: ArrayLike<number>,
  options: GbdtOptions = {},
  validation?: { frame: Frame; labels: ArrayLike<number> },
): GbdtModel {
  const o = {
    ...defaults,
    ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
  } as Required<Omit<GbdtOptions, "weights" | "onRound">> & GbdtOptions;
  const n = frame.rows;
  if (labels.length !== n) throw new RangeError(`${n} rows but ${labels.length} labels`);
  if (o.maxBins > 256 || o.maxBins < 3) throw new RangeError(`maxBins ${o.maxBins} is not in 3…256`);
  const rng = new Random(o.seed);
  const bins = fitBins(frame, o.maxBins, o.seed);
  const X = binFrame(bins, frame);
  const F = bins.length;
  const w = options.weights;
  let sumW = 0;
  let sumWY = 0;
  for (let i = 0; i < n; i++) {
    const wi = w ? (w[i] as number) : 1;
    sumW += wi;
    sumWY += wi * (labels[i] as number);
  }
  const base = Math.min(1 - 1e-6, Math.max(1e-6, sumWY / sumW));
  const init = Math.log(base / (1 - base));
  const scores = new Float64Array(n).fill(init);
  const g = new Float64Array(n);
  const h = new Float64Array(n);
  const validX = validation ? binFrame(bins, validation.frame) : null;
  const validScores = validation ? new Float64Array(validation.frame.rows).fill(init) : null;
  const trees: Tree[] = [];
  const importance = new Array<number>(F).fill(0);
  const validationLoss: number[] = [];
  let best = Number.POSITIVE_INFINITY;
  let bestIteration = 0;
  const indices = new Uint32Array(n);
  const growTree = treeGrower(bins, X, n, o);

  for (let round = 0; round < o.rounds; round++) {
    for (let i = 0; i < n; i++) {
      const p = sigmoid(scores[i] as number);
      const wi = w ? (w[i] as number) : 1;
      g[i] = wi * (p - (labels[i] as number));
      h[i] = wi * Math.max(p * (1 - p), 1e-16);
    }
    // Rows of this tree.
    let m = 0;
    if (o.baggingFraction < 1) {
      for (let i = 0; i < n; i++) if (rng.next() < o.baggingFraction) indices[m++] = i;
    } else {
      for (let i = 0; i < n; i++) indices[i] = i;
      m = n;
    }
    let features = Array.from({ length: F }, (_, f) => f);
    if (o.featureFraction < 1) {
      rng.shuffle(features);
      features = features.slice(0, Math.max(1, Math.round(F * o.featureFraction))).sort((a, b) => a - b);
    }
    const tree = growTree(g, h, indices, m, features, importance);
    trees.push(tree);
    addTree(tree, X, scores);
    let validLoss: number | null = null;
    if (validX && validScores && validation) {
      addTree(tree, validX, validScores);
      validLoss =
        o.earlyStoppingMetric === "auc"
          ? 1 - rocAuc(validScores, validation.labels)
          : logLoss(validScores, validation.labels);
      validationLoss.push(validLoss);
      if (validLoss < best - 1e-9) {
        best = validLoss;
        bestIteration = round + 1;
      } else if (round + 1 - bestIteration >= o.earlyStoppingRounds) {
        options.onRound?.(round + 1, logLoss(scores, labels), validLoss);
        break;
      }
    } else bestIteration = round + 1;
    if (options.onRound) options.onRound(round + 1, logLoss(scores, labels), validLoss);
    if (tree.feature.length === 1) break; // nothing left to split
  }
  const { weights: _w, onRound: _r, ...kept } = o;
  return {
    kind: "gbdt",
    bins,
    init,
    learningRate: o.learningRate,
    trees: trees.slice(0, Math.max(1, bestIteration)),
    importance,
    validationLoss,
    bestIteration,
    options: kept as GbdtModel["options"],
  };
}

/** Categorical splits as 256-entry masks, made once per tree and kept beside it. */
const masks = new WeakMap<Tree, (Uint8Array | null)[]>();

function categoryMasks(tree: Tree): (Uint8Array | null)[] {
  let m = masks.get(tree);
  if (!m) {
    m = tree.categories.map((cats) => {
      if (!cats) return null;
      const mask = new Uint8Array(B);
      for (const b of cats) mask[b] = 1;
      return mask;
    });
    masks.set(tree, m);
  }
  return m;
}

function goesLeft(tree: Tree, cats: (Uint8Array | null)[], node: number, b: number): boolean {
  if (b === 0) return tree.missingLeft[node] as boolean;
  const mask = cats[node];
  return mask ? mask[b] === 1 : b <= (tree.threshold[node] as number);
}

function leafOf(tree: Tree, cats: (Uint8Array | null)[], X: Uint8Array[], i: number): number {
  let node = 0;
  for (;;) {
    const f = tree.feature[node] as number;
    if (f < 0) return node;
    const b = (X[f] as Uint8Array)[i] as number;
    node = (goesLeft(tree, cats, node, b) ? tree.left[node] : tree.right[node]) as number;
  }
}

function addTree(tree: Tree, X: Uint8Array[], scores: Float64Array): void {
  const cats = categoryMasks(tree);
  for (let i = 0; i < scores.length; i++)
    scores[i] = (scores[i] as number) + (tree.value[leafOf(tree, cats, X, i)] as number);
}

/** Raw scores (log-odds) of a frame's rows. */
export function gbdtMargins(model: GbdtModel, frame: Frame): Float64Array {
  const X = binFrame(model.bins, frame);
  const scores = new Float64Array(frame.rows).fill(model.init);
  for (const tree of model.trees) addTree(tree, X, scores);
  return scores;
}

export function predictGbdt(model: GbdtModel, frame: Frame): Float64Array {
  const m = gbdtMargins(model, frame);
  for (let i = 0; i < m.length; i++) m[i] = sigmoid(m[i] as number);
  return m;
}

/**
 * Why each row scores what it does: per feature, the change of log-odds along the row's path through every
 * tree (Saabas). The contributions and `bias` add up to the row's log-odds.
 */
export function gbdtContributions(
  model: GbdtModel,
  frame: Frame,
): { bias: number; contributions: Float64Array[] } {
  const X = binFrame(model.bins, frame);
  const F = model.bins.length;
  const contributions = Array.from({ length: frame.rows }, () => new Float64Array(F));
  let bias = model.init;
  for (const tree of model.trees) {
    bias += tree.value[0] as number;
    const cats = categoryMasks(tree);
    for (let i = 0; i < frame.rows; i++) {
      const row = contributions[i] as Float64Array;
      let node = 0;
      for (;;) {
        const f = tree.feature[node] as number;
        if (f < 0) break;
        const b = (X[f] as Uint8Array)[i] as number;
        const next = (goesLeft(tree, cats, node, b) ? tree.left[node] : tree.right[node]) as number;
        row[f] = (row[f] as number) + (tree.value[next] as number) - (tree.value[node] as number);
        node = next;
      }
    }
  }
  return { bias, contributions };
}

/** Features by their share of the total split gain. */
export function gbdtImportance(model: GbdtModel): { feature: string; gain: number; share: number }[] {
  const total = model.importance.reduce((s, v) => s + v, 0) || 1;
  return model.bins
    .map((b, i) => ({
      feature: b.name,
      gain: model.importance[i] as number,
      share: (model.importance[i] as number) / total,
    }))
    .sort((a, b) => b.gain - a.gain);
}
