import type { Frame } from "./frame.js";
import { rocAuc } from "./metrics.js";
import { Random } from "./random.js";

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

export type FeatureBins =
  | { name: string; kind: "numeric"; thresholds: number[] }
  | { name: string; kind: "categorical"; levels: string[]; other: boolean };

/** A tree in flat arrays; a node is a leaf when its feature is −1. Node values are already scaled by the learning rate. */
export interface Tree {
  feature: number[];
  threshold: number[];
  missingLeft: boolean[];
  /** Categorical splits: the bins that go left. */
  categories: (number[] | null)[];
  left: number[];
  right: number[];
  value: number[];
  gain: number[];
  count: number[];
}

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

/** Cuts a numeric column into at most `maxBins − 2` thresholds of roughly equal counts (bin 0 is missing). */
function numericThresholds(values: Float64Array, maxBins: number, rng: Random): number[] {
  let sample: number[] = [];
  for (const v of values) if (!Number.isNaN(v)) sample.push(v);
  if (sample.length > 200_000) {
    const picked: number[] = [];
    for (let i = 0; i < 200_000; i++) picked.push(sample[rng.int(sample.length)] as number);
    sample = picked;
  }
  if (sample.length === 0) return [];
  sample.sort((a, b) => a - b);
  const distinct: number[] = [];
  const counts: number[] = [];
  for (const v of sample) {
    if (distinct.length > 0 && distinct[distinct.length - 1] === v)
      counts[counts.length - 1] = (counts[counts.length - 1] as number) + 1;
    else {
      distinct.push(v);
      counts.push(1);
    }
  }
  const maxThresholds = maxBins - 2;
  const mid = (i: number) => ((distinct[i] as number) + (distinct[i + 1] as number)) / 2;
  if (distinct.length - 1 <= maxThresholds) return distinct.slice(0, -1).map((_, i) => mid(i));
  // Equal-frequency cuts; a value with a large mass (a spike at 0) gets a bin of its own.
  const thresholds: number[] = [];
  const perBin = sample.length / (maxThresholds + 1);
  let inBin = 0;
  let remaining = sample.length;
  for (let i = 0; i < distinct.length - 1 && thresholds.length < maxThresholds; i++) {
    const c = counts[i] as number;
    inBin += c;
    remaining -= c;
    const target = Math.max(perBin, remaining / (maxThresholds + 1 - thresholds.length));
    if (inBin >= Math.min(perBin, target) || (counts[i + 1] as number) >= perBin) {
      thresholds.push(mid(i));
      inBin = 0;
    }
  }
  return thresholds;
}

export function fitBins(frame: Frame, maxBins = 255, seed = 1): FeatureBins[] {
  const rng = new Random(seed);
  return frame.columns.map((c) => {
    if (c.kind === "numeric")
      return { name: c.name, kind: "numeric", thresholds: numericThresholds(c.values, maxBins, rng) };
    const counts = new Array<number>(c.levels.length).fill(0);
    for (const code of c.codes) if (code >= 0) counts[code] = (counts[code] as number) + 1;
    const order = c.levels.map((_, i) => i).filter((i) => (counts[i] as number) > 0);
    order.sort((a, b) => (counts[b] as number) - (counts[a] as number) || a - b);
    const keep = order.slice(0, maxBins - 2);
    return {
      name: c.name,
      kind: "categorical",
      levels: keep.map((i) => c.levels[i] as string),
      other: order.length > keep.length,
    };
  });
}

/** The bin of every row, one array per feature. */
export function binFrame(bins: FeatureBins[], frame: Frame): Uint8Array[] {
  const byName = new Map(frame.columns.map((c) => [c.name, c]));
  return bins.map((fb) => {
    const col = byName.get(fb.name);
    if (!col) throw new RangeError(`the data have no column "${fb.name}", which the model was trained on`);
    const out = new Uint8Array(frame.rows);
    if (fb.kind === "numeric") {
      if (col.kind !== "numeric") throw new RangeError(`column "${fb.name}" is not numeric here`);
      const t = fb.thresholds;
      for (let i = 0; i < frame.rows; i++) {
        const v = col.values[i] as number;
        if (Number.isNaN(v)) continue;
        let lo = 0;
        let hi = t.length;
        while (lo < hi) {
          const m = (lo + hi) >> 1;
          if ((t[m] as number) < v) lo = m + 1;
          else hi = m;
        }
        out[i] = 1 + lo;
      }
      return out;
    }
    if (col.kind !== "categorical") throw new RangeError(`column "${fb.name}" is not categorical here`);
    const binOf = new Map(fb.levels.map((l, i) => [l, i + 1]));
    const otherBin = fb.other ? fb.levels.length + 1 : 0;
    const codeToBin = col.levels.map((l) => binOf.get(l) ?? otherBin);
    for (let i = 0; i < frame.rows; i++) {
      const code = col.codes[i] as number;
      out[i] = code < 0 ? 0 : (codeToBin[code] as number);
    }
    return out;
  });
}

function binCount(fb: FeatureBins): number {
  return fb.kind === "numeric" ? fb.thresholds.length + 2 : fb.levels.length + (fb.other ? 2 : 1);
}

interface SplitCandidate {
  gain: number;
  feature: number;
  threshold: number;
  missingLeft: boolean;
  categories: number[] | null;
  leftG: number;
  leftH: number;
  leftC: number;
}

interface Leaf {
  node: number;
  start: number;
  end: number;
  G: number;
  H: number;
  C: number;
  depth: number;
  histG: Float64Array;
  histH: Float64Array;
  histC: Float64Array;
  best: SplitCandidate | null;
}

const B = 256;

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

/** Leaf output for gradient sum G and hessian sum H. */
function leafValue(G: number, H: number, lambda: number): number {
  return -G / (H + lambda);
}

function score(G: number, H: number, lambda: number): number {
  return (G * G) / (H + lambda);
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
  const isCat = bins.map((b) => b.kind === "categorical");
  const nBins = bins.map(binCount);
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
  const scratch = new Uint32Array(n);
  const { lambda, minDataInLeaf, minSumHessian } = o;

  const buildHist = (leaf: Leaf, features: number[]) => {
    const { histG, histH, histC } = leaf;
    histG.fill(0);
    histH.fill(0);
    histC.fill(0);
    for (const f of features) {
      const col = X[f] as Uint8Array;
      const off = f * B;
      for (let k = leaf.start; k < leaf.end; k++) {
        const i = indices[k] as number;
        const b = off + (col[i] as number);
        histG[b] = (histG[b] as number) + (g[i] as number);
        histH[b] = (histH[b] as number) + (h[i] as number);
        histC[b] = (histC[b] as number) + 1;
      }
    }
  };

  const findBest = (leaf: Leaf, features: number[]): SplitCandidate | null => {
    if (leaf.C < 2 * minDataInLeaf) return null;
    if (o.maxDepth > 0 && leaf.depth >= o.maxDepth) return null;
    const { G, H, C, histG, histH, histC } = leaf;
    let bestSplit: SplitCandidate | null = null;
    const parent = score(G, H, lambda);
    for (const f of features) {
      const off = f * B;
      const mg = histG[off] as number;
      const mh = histH[off] as number;
      const mc = histC[off] as number;
      const count = nBins[f] as number;
      if (!isCat[f]) {
        let lg = 0;
        let lh = 0;
        let lc = 0;
        for (let b = 1; b < count - 1; b++) {
          lg += histG[off + b] as number;
          lh += histH[off + b] as number;
          lc += histC[off + b] as number;
          if (lc === 0) continue;
          // Missing values right, then missing values left.
          for (let side = 0; side < (mc > 0 ? 2 : 1); side++) {
            const Lg = side === 0 ? lg : lg + mg;
            const Lh = side === 0 ? lh : lh + mh;
            const Lc = side === 0 ? lc : lc + mc;
            const Rc = C - Lc;
            if (Lc < minDataInLeaf || Rc < minDataInLeaf) continue;
            const Rh = H - Lh;
            if (Lh < minSumHessian || Rh < minSumHessian) continue;
            const gain = score(Lg, Lh, lambda) + score(G - Lg, Rh, lambda) - parent;
            if (gain > o.minGain && (!bestSplit || gain > bestSplit.gain)) {
              bestSplit = {
                gain,
                feature: f,
                threshold: b,
                missingLeft: side === 1,
                categories: null,
                leftG: Lg,
                leftH: Lh,
                leftC: Lc,
              };
            }
          }
          if (C - lc < minDataInLeaf) break;
        }
        continue;
      }
      // Categorical: order the present categories by gradient over (hessian + smoothing), cut the order.
      const cats: number[] = [];
      for (let b = 1; b < count; b++) if ((histC[off + b] as number) > 0) cats.push(b);
      if (cats.length < 2) continue;
      cats.sort(
        (a, c) =>
          (histG[off + a] as number) / ((histH[off + a] as number) + o.catSmooth) -
          (histG[off + c] as number) / ((histH[off + c] as number) + o.catSmooth),
      );
      const catLambda = lambda + o.catLambda;
      const catParent = score(G, H, catLambda);
      let lg = 0;
      let lh = 0;
      let lc = 0;
      for (let k = 0; k < cats.length - 1; k++) {
        const b = cats[k] as number;
        lg += histG[off + b] as number;
        lh += histH[off + b] as number;
        lc += histC[off + b] as number;
        for (let side = 0; side < (mc > 0 ? 2 : 1); side++) {
          const Lg = side === 0 ? lg : lg + mg;
          const Lh = side === 0 ? lh : lh + mh;
          const Lc = side === 0 ? lc : lc + mc;
          if (Lc < minDataInLeaf || C - Lc < minDataInLeaf) continue;
          if (Lh < minSumHessian || H - Lh < minSumHessian) continue;
          const gain = score(Lg, Lh, catLambda) + score(G - Lg, H - Lh, catLambda) - catParent;
          if (gain > o.minGain && (!bestSplit || gain > bestSplit.gain)) {
            bestSplit = {
              gain,
              feature: f,
              threshold: 0,
              missingLeft: side === 1,
              categories: cats.slice(0, k + 1),
              leftG: Lg,
              leftH: Lh,
              leftC: Lc,
            };
          }
        }
      }
    }
    return bestSplit;
  };

  const histPool: { g: Float64Array; h: Float64Array; c: Float64Array }[] = [];
  const takeHist = () =>
    histPool.pop() ?? { g: new Float64Array(F * B), h: new Float64Array(F * B), c: new Float64Array(F * B) };

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
    const tree: Tree = {
      feature: [],
      threshold: [],
      missingLeft: [],
      categories: [],
      left: [],
      right: [],
      value: [],
      gain: [],
      count: [],
    };
    const addNode = (G: number, H: number, C: number) => {
      tree.feature.push(-1);
      tree.threshold.push(0);
      tree.missingLeft.push(false);
      tree.categories.push(null);
      tree.left.push(-1);
      tree.right.push(-1);
      tree.value.push(o.learningRate * leafValue(G, H, lambda));
      tree.gain.push(0);
      tree.count.push(C);
      return tree.feature.length - 1;
    };
    let G0 = 0;
    let H0 = 0;
    for (let k = 0; k < m; k++) {
      const i = indices[k] as number;
      G0 += g[i] as number;
      H0 += h[i] as number;
    }
    const rootHist = takeHist();
    const root: Leaf = {
      node: addNode(G0, H0, m),
      start: 0,
      end: m,
      G: G0,
      H: H0,
      C: m,
      depth: 0,
      histG: rootHist.g,
      histH: rootHist.h,
      histC: rootHist.c,
      best: null,
    };
    buildHist(root, features);
    root.best = findBest(root, features);
    const leaves: Leaf[] = [root];
    let leafCount = 1;
    while (leafCount < o.numLeaves) {
      let pick = -1;
      for (let k = 0; k < leaves.length; k++) {
        const cand = (leaves[k] as Leaf).best;
        if (cand && (pick < 0 || cand.gain > ((leaves[pick] as Leaf).best as SplitCandidate).gain)) pick = k;
      }
      if (pick < 0) break;
      const leaf = leaves[pick] as Leaf;
      const split = leaf.best as SplitCandidate;
      // Stable partition of the leaf's rows: left first, then right.
      const col = X[split.feature] as Uint8Array;
      const catSet = split.categories ? new Uint8Array(B) : null;
      if (catSet) for (const b of split.categories as number[]) catSet[b] = 1;
      let l = leaf.start;
      let r = 0;
      for (let k = leaf.start; k < leaf.end; k++) {
        const i = indices[k] as number;
        const b = col[i] as number;
        const goLeft = b === 0 ? split.missingLeft : catSet ? catSet[b] === 1 : b <= split.threshold;
        if (goLeft) indices[l++] = i;
        else scratch[r++] = i;
      }
      indices.set(scratch.subarray(0, r), l);
      const leftLeaf: Leaf = {
        node: addNode(split.leftG, split.leftH, split.leftC),
        start: leaf.start,
        end: l,
        G: split.leftG,
        H: split.leftH,
        C: split.leftC,
        depth: leaf.depth + 1,
        histG: leaf.histG,
        histH: leaf.histH,
        histC: leaf.histC,
        best: null,
      };
      const other = takeHist();
      const rightLeaf: Leaf = {
        node: addNode(leaf.G - split.leftG, leaf.H - split.leftH, leaf.C - split.leftC),
        start: l,
        end: leaf.end,
        G: leaf.G - split.leftG,
        H: leaf.H - split.leftH,
        C: leaf.C - split.leftC,
        depth: leaf.depth + 1,
        histG: other.g,
        histH: other.h,
        histC: other.c,
        best: null,
      };
      // Count the smaller child; the larger one's histogram is the parent's minus it.
      const [small, large] = leftLeaf.C <= rightLeaf.C ? [leftLeaf, rightLeaf] : [rightLeaf, leftLeaf];
      const parentG = leaf.histG;
      const parentH = leaf.histH;
      const parentC = leaf.histC;
      if (small === leftLeaf) {
        // The left child inherited the parent's arrays: copy them to the right first.
        rightLeaf.histG.set(parentG);
        rightLeaf.histH.set(parentH);
        rightLeaf.histC.set(parentC);
      }
      buildHist(small, features);
      for (const f of features) {
        const off = f * B;
        const end = off + (nBins[f] as number);
        for (let b = off; b < end; b++) {
          large.histG[b] = (large.histG[b] as number) - (small.histG[b] as number);
          large.histH[b] = (large.histH[b] as number) - (small.histH[b] as number);
          large.histC[b] = (large.histC[b] as number) - (small.histC[b] as number);
        }
      }
      const node = leaf.node;
      tree.feature[node] = split.feature;
      tree.threshold[node] = split.threshold;
      tree.missingLeft[node] = split.missingLeft;
      tree.categories[node] = split.categories;
      tree.left[node] = leftLeaf.node;
      tree.right[node] = rightLeaf.node;
      tree.gain[node] = split.gain;
      importance[split.feature] = (importance[split.feature] as number) + split.gain;
      leftLeaf.best = findBest(leftLeaf, features);
      rightLeaf.best = findBest(rightLeaf, features);
      leaves.splice(pick, 1, leftLeaf, rightLeaf);
      leafCount++;
    }
    for (const leaf of leaves) histPool.push({ g: leaf.histG, h: leaf.histH, c: leaf.histC });
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
