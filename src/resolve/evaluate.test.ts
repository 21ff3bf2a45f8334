import { describe, expect, it } from "vitest";
import type { ScoredPairs } from "./cluster.js";
import {
  bcubedScores,
  type PairMode,
  pairsCompleteness,
  pairwiseScores,
  possiblePairs,
  reductionRatio,
  thresholdTable,
  truthFromLabels,
} from "./evaluate.js";

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function scored(list: readonly [number, number, number][]): ScoredPairs {
  return {
    left: Int32Array.from(list, (p) => p[0]),
    right: Int32Array.from(list, (p) => p[1]),
    probability: Float64Array.from(list, (p) => p[2]),
    count: list.length,
  };
}

/** Every pair i < j, the way the definitions read. */
function bruteTruePairs(truth: ArrayLike<number>, source?: ArrayLike<number>): number {
  let pairs = 0;
  for (let i = 0; i < truth.length; i++) {
    for (let j = i + 1; j < truth.length; j++) {
      if (truth[i] === truth[j] && (!source || source[i] !== source[j])) pairs++;
    }
  }
  return pairs;
}

function brutePairwise(truth: ArrayLike<number>, clusterOf: ArrayLike<number>, source?: ArrayLike<number>) {
  let tp = 0;
  let predicted = 0;
  for (let i = 0; i < truth.length; i++) {
    for (let j = i + 1; j < truth.length; j++) {
      if (source && source[i] === source[j]) continue;
      if (clusterOf[i] === clusterOf[j]) {
        predicted++;
        if (truth[i] === truth[j]) tp++;
      }
    }
  }
  return { tp, predicted, truePairs: bruteTruePairs(truth, source) };
}

function bruteBCubed(truth: ArrayLike<number>, clusterOf: ArrayLike<number>) {
  let precision = 0;
  let recall = 0;
  const n = truth.length;
  for (let i = 0; i < n; i++) {
    let both = 0;
    let cluster = 0;
    let entity = 0;
    for (let j = 0; j < n; j++) {
      if (clusterOf[j] === clusterOf[i]) cluster++;
      if (truth[j] === truth[i]) entity++;
      if (clusterOf[j] === clusterOf[i] && truth[j] === truth[i]) both++;
    }
    precision += both / cluster;
    recall += both / entity;
  }
  return { precision: precision / n, recall: recall / n };
}

describe("truthFromLabels", () => {
  it("interns labels in order of first appearance; a missing label is an entity of its own", () => {
    expect(Array.from(truthFromLabels(["a", "b", "a", null, "c", "b", undefined, "c"]))).toEqual([
      0, 1, 0, 2, 3, 1, 4, 3,
    ]);
  });
});

describe("B-cubed and pairwise scores", () => {
  // Bagga & Baldwin's (1998) example, the one Amigó et al. (2009) use to show why B-cubed beats MUC:
  // true entities {0..4}, {5, 6}, {7..11}.
  const truth = Int32Array.from([0, 0, 0, 0, 0, 1, 1, 2, 2, 2, 2, 2]);

  it("scores merging the small entity into a big one better than merging the two big ones", () => {
    // Response 1 merges {5, 6} into {0..4}. Precision per record: 5/7 for the five, 2/7 for the two, 1 for
    // the rest: (5·5/7 + 2·2/7 + 5·1) / 12 = (64/7) / 12 = 16/21. Every entity sits in one cluster: recall 1.
    const merged = Int32Array.from([0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    const one = bcubedScores(truth, merged);
    expect(one.precision).toBeCloseTo(16 / 21, 12);
    expect(one.recall).toBe(1);
    expect(one.f1).toBeCloseTo((2 * (16 / 21)) / (16 / 21 + 1), 12);
    // Response 2 merges {0..4} with {7..11}: (10·5/10 + 2·1) / 12 = 7/12.
    const worse = Int32Array.from([0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]);
    expect(bcubedScores(truth, worse).precision).toBeCloseTo(7 / 12, 12);
  });

  it("counts pairwise figures from the contingency table", () => {
    // True pairs C(5,2) + C(2,2) + C(5,2) = 21; response 1 predicts C(7,2) + C(5,2) = 31, of which 21 true.
    const merged = Int32Array.from([0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    expect(pairwiseScores(truth, merged)).toEqual({
      precision: 21 / 31,
      recall: 1,
      f1: (2 * (21 / 31)) / (21 / 31 + 1),
      truePositives: 21,
      predictedPairs: 31,
      truePairs: 21,
    });
  });

  it("counts only cross-source pairs in link mode", () => {
    // Records 0..5 with sources A A B B A B; entities {0, 2, 4}, {1, 3}, {5}; clusters {0, 2}, {1, 3, 4, 5}.
    const t = Int32Array.from([0, 1, 0, 1, 0, 2]);
    const c = Int32Array.from([0, 1, 0, 1, 1, 1]);
    const source = Uint16Array.from([0, 0, 1, 1, 0, 1]);
    // True cross pairs: 0–2, 2–4, 1–3 = 3. Predicted: 0–2, and of {1, 3, 4, 5}: 1–3, 1–5, 3–4, 4–5 = 5.
    // True positives: 0–2, 1–3 = 2.
    const scores = pairwiseScores(t, c, { mode: "link", source });
    expect([scores.truePositives, scores.predictedPairs, scores.truePairs]).toEqual([2, 5, 3]);
    expect(scores.precision).toBe(2 / 5);
    expect(scores.recall).toBe(2 / 3);
  });

  it("is vacuously perfect when there are no pairs to find", () => {
    const singletons = Int32Array.from([0, 1, 2]);
    expect(pairwiseScores(singletons, singletons)).toMatchObject({ precision: 1, recall: 1, f1: 1 });
    expect(pairwiseScores(Int32Array.from([0, 0, 1]), singletons)).toMatchObject({
      precision: 1,
      recall: 0,
      f1: 0,
    });
    expect(bcubedScores(new Int32Array(0), new Int32Array(0))).toEqual({ precision: 1, recall: 1, f1: 1 });
  });

  it("agrees with brute force on random inputs, any id values", () => {
    const rnd = seeded(11);
    for (let round = 0; round < 200; round++) {
      const n = 1 + Math.floor(rnd() * 40);
      const entities = 1 + Math.floor(rnd() * 10);
      const truth = Int32Array.from({ length: n }, () => Math.floor(rnd() * entities) * 1000 - 7);
      const clusterOf = Int32Array.from({ length: n }, (_, r) =>
        rnd() < 0.6 ? truth[r]! : Math.floor(rnd() * 12) * 99_999,
      );
      const source = Uint8Array.from({ length: n }, () => Math.floor(rnd() * 3));
      const brute = brutePairwise(truth, clusterOf);
      expect(pairwiseScores(truth, clusterOf)).toMatchObject({
        truePositives: brute.tp,
        predictedPairs: brute.predicted,
        truePairs: brute.truePairs,
      });
      const bruteLink = brutePairwise(truth, clusterOf, source);
      expect(pairwiseScores(truth, clusterOf, { mode: "link", source })).toMatchObject({
        truePositives: bruteLink.tp,
        predictedPairs: bruteLink.predicted,
        truePairs: bruteLink.truePairs,
      });
      const b3 = bcubedScores(truth, clusterOf);
      const bruteB3 = bruteBCubed(truth, clusterOf);
      expect(b3.precision).toBeCloseTo(bruteB3.precision, 12);
      expect(b3.recall).toBeCloseTo(bruteB3.recall, 12);
    }
  });

  it("rejects arrays of different lengths", () => {
    expect(() => pairwiseScores(new Int32Array(3), new Int32Array(2))).toThrow(RangeError);
  });
});

describe("blocking quality", () => {
  it("counts possible pairs and the reduction ratio, for dedupe and for linking", () => {
    expect(possiblePairs(5)).toBe(10);
    expect(reductionRatio(3, 5)).toBeCloseTo(0.7, 12);
    const link: PairMode = { mode: "link", source: [0, 0, 1, 1, 1] };
    expect(possiblePairs(5, link)).toBe(6);
    expect(reductionRatio(3, 5, link)).toBe(0.5);
    expect(reductionRatio(0, 1)).toBe(1);
  });

  it("finds each true pair once, however often blocking produced it", () => {
    // Entities {0, 1, 2}, {3, 4}: 4 true pairs. Candidates find 0–1 (twice, once reversed) and 3–4.
    const truth = Int32Array.from([0, 0, 0, 1, 1]);
    const candidates = scored([
      [0, 1, 0],
      [1, 0, 0],
      [4, 3, 0],
      [2, 3, 0],
      [2, 2, 0],
    ]);
    expect(pairsCompleteness(truth, candidates)).toEqual({ completeness: 0.5, found: 2, truePairs: 4 });
    // Linking sources A A B A B: true cross pairs 0–2, 1–2, 3–4; found 3–4 only.
    const source = [0, 0, 1, 0, 1];
    expect(pairsCompleteness(truth, candidates, { mode: "link", source })).toEqual({
      completeness: 1 / 3,
      found: 1,
      truePairs: 3,
    });
  });

  it("agrees with brute force on random candidates", () => {
    const rnd = seeded(5);
    for (let round = 0; round < 100; round++) {
      const n = 2 + Math.floor(rnd() * 30);
      const truth = Int32Array.from({ length: n }, () => Math.floor(rnd() * 6));
      const source = Int32Array.from({ length: n }, () => Math.floor(rnd() * 2));
      const list: [number, number, number][] = [];
      for (let k = 0; k < n * 2; k++) list.push([Math.floor(rnd() * n), Math.floor(rnd() * n), rnd()]);
      for (const mode of [{}, { mode: "link", source }] as PairMode[]) {
        const src = mode.mode === "link" ? source : undefined;
        const found = new Set<string>();
        for (const [a, b] of list) {
          if (a !== b && truth[a] === truth[b] && (!src || src[a] !== src[b])) {
            found.add(`${Math.min(a, b)}-${Math.max(a, b)}`);
          }
        }
        const result = pairsCompleteness(truth, scored(list), mode);
        expect(result.found).toBe(found.size);
        expect(result.truePairs).toBe(bruteTruePairs(truth, src));
      }
    }
  });
});

describe("thresholdTable", () => {
  it("scores the pairs at or above each threshold against every true pair", () => {
    // Entities {0, 1, 2}, {3, 4}, {5}: 4 true pairs; the scored pairs hold three of them.
    const truth = Int32Array.from([0, 0, 0, 1, 1, 2]);
    const pairs = scored([
      [0, 1, 0.99],
      [1, 2, 0.8],
      [3, 4, 0.5],
      [2, 5, 0.9],
      [4, 5, 0.2],
    ]);
    const table = thresholdTable(truth, pairs, [0.9, 0.5, 0.95]);
    expect(table.truePairs).toBe(4);
    expect(table.candidateTruePairs).toBe(3);
    expect(
      table.rows.map((r) => [r.threshold, r.predictedPairs, r.truePositives, r.precision, r.recall]),
    ).toEqual([
      [0.9, 2, 1, 0.5, 0.25],
      [0.5, 4, 3, 0.75, 0.75],
      [0.95, 1, 1, 1, 0.25],
    ]);
    expect(table.rows[1]!.f1).toBeCloseTo(0.75, 12);
  });

  it("agrees with brute force on random pairs, in both modes", () => {
    const rnd = seeded(3);
    for (let round = 0; round < 100; round++) {
      const n = 2 + Math.floor(rnd() * 25);
      const truth = Int32Array.from({ length: n }, () => Math.floor(rnd() * 5));
      const source = Int32Array.from({ length: n }, () => Math.floor(rnd() * 3));
      const list: [number, number, number][] = [];
      for (let k = 0; k < n * 2; k++) {
        list.push([Math.floor(rnd() * n), Math.floor(rnd() * n), Math.round(rnd() * 10) / 10]);
      }
      const thresholds = [0, 0.3, 0.3, 0.55, 1, rnd()];
      for (const mode of [{}, { mode: "link", source }] as PairMode[]) {
        const src = mode.mode === "link" ? source : undefined;
        const table = thresholdTable(truth, scored(list), thresholds, mode);
        expect(table.truePairs).toBe(bruteTruePairs(truth, src));
        thresholds.forEach((t, i) => {
          const kept = list.filter(([a, b, p]) => a !== b && p >= t && (!src || src[a] !== src[b]));
          const row = table.rows[i]!;
          expect(row.threshold).toBe(t);
          expect(row.predictedPairs).toBe(kept.length);
          expect(row.truePositives).toBe(kept.filter(([a, b]) => truth[a] === truth[b]).length);
        });
      }
    }
  });
});
