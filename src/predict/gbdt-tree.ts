import { B, binCount, type FeatureBins } from "./gbdt-bins.js";

/**
 * One tree of the gradient-boosted model (gbdt.ts), grown from histograms over binned rows (gbdt-bins.ts):
 * each split is found by scanning per-bin sums of gradient and hessian instead of sorted values. Trees grow
 * leaf-wise (best gain first) up to a number of leaves; a child's histogram is its parent's minus its
 * sibling's, so only the smaller child is counted. Missing values take whichever side gains more.
 * Categorical splits sort the categories by gradient/hessian and cut that order (Fisher 1958).
 */

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

/** What a tree is grown with: the model's options after defaults. */
export interface TreeParams {
  learningRate: number;
  numLeaves: number;
  maxDepth: number;
  minDataInLeaf: number;
  minSumHessian: number;
  lambda: number;
  minGain: number;
  catSmooth: number;
  catLambda: number;
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

/** Leaf output for gradient sum G and hessian sum H. */
function leafValue(G: number, H: number, lambda: number): number {
  return -G / (H + lambda);
}

function score(G: number, H: number, lambda: number): number {
  return (G * G) / (H + lambda);
}

/**
 * A function that grows one tree on the rows `indices[0, m)` (which it reorders) from their gradients `g` and
 * hessians `h`, splitting only on `features` and adding each split's gain to `importance`. Histogram buffers
 * are kept from one tree to the next.
 */
export function treeGrower(
  bins: FeatureBins[],
  X: Uint8Array[],
  rows: number,
  o: TreeParams,
): (
  g: Float64Array,
  h: Float64Array,
  indices: Uint32Array,
  m: number,
  features: number[],
  importance: number[],
) => Tree {
  const F = bins.length;
  const isCat = bins.map((b) => b.kind === "categorical");
  const nBins = bins.map(binCount);
  const scratch = new Uint32Array(rows);
  const { lambda, minDataInLeaf, minSumHessian } = o;

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

  return (g, h, indices, m, features, importance) => {
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
    return tree;
  };
}
