import { describe, expect, it } from "vitest";
import {
  averagePrecision,
  calibration,
  evaluateBinary,
  liftAt,
  liftTable,
  recallAt,
  rocAuc,
  rocCurve,
} from "./metrics.js";
import { Random } from "./random.js";

/** AUC by its definition: the share of (positive, negative) pairs ranked right, ties counting half. */
function pairwiseAuc(scores: number[], labels: number[]): number {
  let right = 0;
  let pairs = 0;
  for (let i = 0; i < scores.length; i++) {
    if (labels[i] !== 1) continue;
    for (let j = 0; j < scores.length; j++) {
      if (labels[j] !== 0) continue;
      pairs++;
      if ((scores[i] as number) > (scores[j] as number)) right++;
      else if (scores[i] === scores[j]) right += 0.5;
    }
  }
  return right / pairs;
}

describe("ranking measures", () => {
  it("match scikit-learn's worked example", () => {
    const y = [0, 0, 1, 1];
    const s = [0.1, 0.4, 0.35, 0.8];
    expect(rocAuc(s, y)).toBeCloseTo(0.75, 12);
    expect(averagePrecision(s, y)).toBeCloseTo(0.8333333333, 9);
  });

  it("AUC equals the pairwise definition, ties included", () => {
    const rng = new Random(3);
    const scores = Array.from({ length: 300 }, () => Math.round(rng.next() * 20) / 20);
    const labels = scores.map((s) => (rng.next() < s ? 1 : 0));
    expect(rocAuc(scores, labels)).toBeCloseTo(pairwiseAuc(scores, labels), 12);
    expect(rocAuc([1, 2, 3], [1, 1, 1])).toBeNaN();
  });

  it("a perfect ranking has AUC and AP 1, a reversed one AUC 0", () => {
    const labels = [0, 0, 0, 1, 1];
    expect(rocAuc([1, 2, 3, 4, 5], labels)).toBe(1);
    expect(averagePrecision([1, 2, 3, 4, 5], labels)).toBe(1);
    expect(rocAuc([5, 4, 3, 2, 1], labels)).toBe(0);
    const curve = rocCurve([1, 2, 3, 4, 5], labels);
    expect(curve[0]).toEqual({ fpr: 0, tpr: 0 });
    expect(curve[curve.length - 1]).toEqual({ fpr: 1, tpr: 1 });
  });
});

describe("lift and gains", () => {
  it("bands of equal size, their recall adding up to 1", () => {
    const rng = new Random(5);
    const scores = Array.from({ length: 1000 }, () => rng.next());
    const labels = scores.map((s) => (rng.next() < s * s ? 1 : 0));
    const table = liftTable(scores, labels);
    expect(table).toHaveLength(10);
    expect(table.reduce((n, b) => n + b.count, 0)).toBe(1000);
    expect(table[9]?.cumulativeRecall).toBeCloseTo(1, 12);
    expect(table[0]?.lift).toBeGreaterThan(table[9]?.lift ?? 0);
    expect(table[0]?.lift).toBeCloseTo(liftAt(scores, labels, 0.1), 12);
    expect(recallAt(scores, labels, 0.1)).toBeCloseTo(table[0]?.cumulativeRecall ?? 0, 12);
  });
});

describe("calibration", () => {
  it("a calibrated score has a small expected calibration error; a doubled one does not", () => {
    const rng = new Random(9);
    const p = Array.from({ length: 20_000 }, () => rng.next() * 0.5);
    const y = p.map((q) => (rng.next() < q ? 1 : 0));
    expect(calibration(p, y).expectedCalibrationError).toBeLessThan(0.02);
    const doubled = p.map((q) => Math.min(1, 2 * q));
    expect(calibration(doubled, y).expectedCalibrationError).toBeGreaterThan(0.1);
  });

  it("evaluateBinary refuses labels that are not 0/1, naming the row", () => {
    expect(() => evaluateBinary([0.1, 0.2], [0, 2])).toThrow(/label 1 is 2/);
    const e = evaluateBinary([0.1, 0.9, 0.2, 0.8], [0, 1, 0, 1]);
    expect(e.auc).toBe(1);
    expect(e.baseRate).toBe(0.5);
  });
});
